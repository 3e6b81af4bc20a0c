using System.Globalization;
using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Reports;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// The results page of a change run: each pair on the before image's grid with the change map and the outlined change
/// regions, the legend, and a table of changed area per pair (from the JSON summaries).
/// </summary>
public static class ChangeReport
{
    /// <summary>Unchanged and changed, as every change layer and legend draws them.</summary>
    public static readonly IReadOnlyList<Rgb> Colours = [new(40, 40, 40), PngPreview.ChangeTint];

    public static string Write(ChangePipeline pipeline, string outputDir, IReadOnlyList<(ChangeMapPair Pair, ChangeMapOutputs Outputs)> runs, string subtitle)
    {
        var report = new ResultsReport("GeoDense change detection", "change") { Subtitle = subtitle };
        report.Legends.Add(PageLayers.Legend("Change", pipeline.Model.Classes.Take(2).ToList(), Colours));
        var rows = new List<IReadOnlyList<string>>();
        var c = CultureInfo.InvariantCulture;
        foreach (var (pair, outputs) in runs)
        {
            using var before = Raster.Open(pair.Before);
            using var map = Raster.Open(outputs.ChangeMap);
            var layers = new List<PageLayer>
            {
                PageLayers.Image(outputDir, pair.OutputStem, "before", before),
                PageLayers.Classes(outputDir, pair.OutputStem, "change map", map, pipeline.Model.Classes, Colours) with { Opacity = 0.45, Visible = false },
            };
            if (outputs.Polygons.FirstOrDefault(p => p.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase)) is { } geoJson)
                layers.Add(PageLayers.Vectors(outputDir, geoJson, "change regions", Colours) with { Color = "#ff0000" });
            report.Inputs.Add(PageLayers.Input(pair.OutputStem, map, layers));
            if (outputs.Preview is { } preview)
                report.Previews.Add(new PageFigure($"{pair.OutputStem}: after, changes outlined", Path.GetRelativePath(outputDir, preview)));
            var s = outputs.Statistics;
            rows.Add([pair.OutputStem, s.Regions.ToString(c), s.ChangedArea.ToString("F1", c), s.ValidArea.ToString("F1", c), s.ChangedFraction.ToString("P2", c)]);
        }
        report.Tables.Add(new PageTable("Change per pair (areas in map units²)", ["pair", "regions", "changed area", "valid area", "changed"], rows));
        return ResultsPage.Write(outputDir, report);
    }
}
