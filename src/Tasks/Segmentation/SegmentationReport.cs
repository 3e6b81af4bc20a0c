using System.Globalization;
using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Reports;

namespace GeoDense.Tasks.Segmentation;

/// <summary>One segmented input of a run: where it came from and what <see cref="SegmentationPredictor"/> wrote.</summary>
public sealed record SegmentedInput(string Input, string Stem, PredictOutputs Outputs);

/// <summary>The results page of a segmentation run: each input under its class map and polygons, the class legend, metrics.</summary>
public static class SegmentationReport
{
    public static string Write(SegmentationPipeline pipeline, string outputDir, IReadOnlyList<SegmentedInput> inputs, string subtitle,
        SegmentationMetrics? metrics = null)
    {
        var names = pipeline.Model.Classes;
        var colours = Palettes.Default(names.Count);
        var report = new ResultsReport("GeoDense segmentation", "segmentation") { Subtitle = subtitle };
        report.Legends.Add(PageLayers.Legend("Classes", names, colours));
        int[]? bands = pipeline.Input.Bands.Count == 3 ? pipeline.Input.Bands.ToArray() : null;
        foreach (var run in inputs)
        {
            using var image = Raster.Open(run.Input);
            using var classes = Raster.Open(run.Outputs.Classes);
            var layers = new List<PageLayer>
            {
                PageLayers.Image(outputDir, run.Stem, "input", image, bands),
                PageLayers.Classes(outputDir, run.Stem, "classes", classes, names, colours),
            };
            if (run.Outputs.Polygons.FirstOrDefault(p => p.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase)) is { } geoJson)
                layers.Add(PageLayers.Vectors(outputDir, geoJson, "polygons", colours) with { Visible = false });
            report.Inputs.Add(PageLayers.Input(run.Stem, classes, layers));
            if (run.Outputs.Preview is { } preview)
                report.Previews.Add(new PageFigure($"{run.Stem}: classes", Path.GetRelativePath(outputDir, preview)));
        }
        if (metrics is not null) report.Tables.Add(Table(metrics));
        return ResultsPage.Write(outputDir, report);
    }

    /// <summary>Per-class IoU and F1 with the overall numbers, as `geodense eval` prints them.</summary>
    public static PageTable Table(SegmentationMetrics metrics)
    {
        static string Pct(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture);
        var rows = metrics.PerClass.Select(c => (IReadOnlyList<string>)[c.Name, Pct(c.IoU), Pct(c.F1), c.Pixels.ToString(CultureInfo.InvariantCulture)]).ToList();
        rows.Add(["mean / OA", Pct(metrics.MeanIoU), Pct(metrics.MeanF1), $"OA {Pct(metrics.OverallAccuracy)}"]);
        return new PageTable("Metrics against the known truth", ["class", "IoU %", "F1 %", "pixels"], rows);
    }
}
