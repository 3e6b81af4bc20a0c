using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Reports;

namespace GeoDense.Tasks.Detection;

/// <summary>The results page of a detection run: each image with its oriented boxes in class colours, the class legend, mAP when scored.</summary>
public static class DetectionReport
{
    public static string Write(DetectionPipeline pipeline, string outputDir, IReadOnlyList<DetectOutputs> runs, string subtitle,
        PageTable? metrics = null)
    {
        var names = pipeline.Model.Classes;
        var colours = Palettes.Default(names.Count);
        var report = new ResultsReport("GeoDense detection", "detection") { Subtitle = subtitle };
        report.Legends.Add(PageLayers.Legend("Classes", names, colours));
        int[]? bands = pipeline.Input.Bands.Count == 3 ? pipeline.Input.Bands.ToArray() : null;
        foreach (var run in runs)
        {
            using var image = Raster.Open(run.Input);
            // map coordinates where the image has them, pixels otherwise: the page draws both
            var transform = image.SpatialReference is null ? null : image.GeoTransform;
            var features = run.Detections.Select(d => new VectorFeature(OrientedBox.PolygonFromPixels(d.Polygon.Corners(), transform),
                d.ClassId, names[d.ClassId], d.Score)).ToList();
            report.Inputs.Add(PageLayers.Input(run.ImageName, image,
            [
                PageLayers.Image(outputDir, run.ImageName, "image", image, bands),
                PageLayers.Features(outputDir, run.ImageName, "detections", features, transform is null ? null : image.SpatialReference, colours)
                    with { Note = $"{features.Count}" },
            ]));
            report.Previews.Add(new PageFigure($"{run.ImageName}: {features.Count} detections", Path.GetRelativePath(outputDir, run.Preview)));
        }
        if (metrics is not null) report.Tables.Add(metrics);
        return ResultsPage.Write(outputDir, report);
    }
}
