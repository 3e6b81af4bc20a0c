using System.Globalization;
using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Reports;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Demo;

/// <summary>What the demo wrote: the two dates, each task's outputs, the truth preview and the scores.</summary>
public sealed record DemoResults(string Date1, string Date2, PredictOutputs Segmentation, DetectOutputs Detection, ChangeMapOutputs Change,
    string TruthPreview, DemoMetrics Metrics);

/// <summary>
/// The demo's one results page: the area on a map with every task's layers together (both dates, the class map and its
/// polygons, the detected boxes, the change map and regions), the three legends, the metrics and the previews.
/// </summary>
public static class DemoReport
{
    public static string Write(string outputDir, SegmentationPipeline segmentation, DetectionPipeline detection, ChangePipeline change,
        DemoResults results)
    {
        var report = new ResultsReport("GeoDense demo", "demo")
        {
            Subtitle = "a synthetic town and field on two dates: segmentation, oriented-object detection and change detection",
        };
        var classColours = Palettes.Default(segmentation.Model.Classes.Count);
        var objectColours = Palettes.Default(detection.Model.Classes.Count);
        report.Legends.Add(PageLayers.Legend("Classes", segmentation.Model.Classes, classColours));
        report.Legends.Add(PageLayers.Legend("Objects", detection.Model.Classes, objectColours));
        report.Legends.Add(PageLayers.Legend("Change", change.Model.Classes.Take(2).ToList(), ChangeReport.Colours));

        using var date1 = Raster.Open(results.Date1);
        using var date2 = Raster.Open(results.Date2);
        using var classes = Raster.Open(results.Segmentation.Classes);
        using var changeMap = Raster.Open(results.Change.ChangeMap);
        var layers = new List<PageLayer>
        {
            PageLayers.Image(outputDir, "area", "date 1", date1),
            PageLayers.Image(outputDir, "area", "date 2", date2) with { Visible = false },
            PageLayers.Classes(outputDir, "area", "classes", classes, segmentation.Model.Classes, classColours) with { Visible = false },
        };
        if (GeoJson(results.Segmentation.Polygons) is { } classPolygons)
            layers.Add(PageLayers.Vectors(outputDir, classPolygons, "class polygons", classColours) with { Visible = false });
        layers.Add(PageLayers.Classes(outputDir, "area", "change map", changeMap, change.Model.Classes, ChangeReport.Colours) with { Opacity = 0.45, Visible = false });
        if (GeoJson(results.Change.Polygons) is { } changeRegions)
            layers.Add(PageLayers.Vectors(outputDir, changeRegions, "change regions", ChangeReport.Colours) with { Color = "#ff0000" });
        if (GeoJson(results.Detection.Polygons) is { } boxes)
            layers.Add(PageLayers.Vectors(outputDir, boxes, "detections", objectColours) with { Note = $"{results.Detection.Detections.Count}" });
        report.Inputs.Add(PageLayers.Input("area", date1, layers));

        report.Tables.Add(results.Metrics.Table);
        report.Tables.Add(SegmentationReport.Table(results.Metrics.Segmentation));
        report.Tables.Add(new PageTable("Detection: AP per class (DOTA Task1)", ["class", "AP %", "truths", "detections", "true positives"],
            results.Metrics.Detection.Classes.Select(c => (IReadOnlyList<string>)[c.ClassName, (100 * c.Ap).ToString("F1", CultureInfo.InvariantCulture),
                c.Positives.ToString(CultureInfo.InvariantCulture), c.Detections.ToString(CultureInfo.InvariantCulture), c.TruePositives.ToString(CultureInfo.InvariantCulture)]).ToList()));

        void Figure(string caption, string? path) { if (path is not null) report.Previews.Add(new PageFigure(caption, Path.GetRelativePath(outputDir, path))); }
        Figure("true classes", results.TruthPreview);
        Figure("predicted classes", results.Segmentation.Preview);
        Figure($"{results.Detection.Detections.Count} detections", results.Detection.Preview);
        Figure("date 2, changes outlined", results.Change.Preview);
        return ResultsPage.Write(outputDir, report);
    }

    static string? GeoJson(IEnumerable<string> files) => files.FirstOrDefault(p => p.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase));
}
