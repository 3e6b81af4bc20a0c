using GeoDense.Geo;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>The detect pipeline end to end with the exact hand-written detector of <see cref="SyntheticDota"/>.</summary>
public class DotaDetectorTests
{
    static readonly SyntheticDota.Thing[] Things =
    [
        new(0, 40, 40, 60, 20),      // in one window
        new(1, 180, 60, 30, 50),     // in the overlap of the first two columns: seen twice, merged once
        new(0, 300, 250, 40, 30),    // bottom right, in the last (shifted) windows
        new(1, 60, 260, 24, 12),
    ];

    static DetectionPipeline Pipeline(double[] scales, List<string>? formats = null) => new()
    {
        Model = new DetectionModelSection { Backbone = "lemevit-nano", Head = "oriented-rcnn", Classes = [.. SyntheticDota.Classes] },
        Tiling = new TilingSection { Size = 256, Stride = 156, Scales = [.. scales], BatchSize = 2 },
        Output = new OutputSection { Formats = formats ?? ["geojson"] },
    };

    [Theory]
    [InlineData(new[] { 1.0 })]
    [InlineData(new[] { 0.5, 1.0 })]
    public void Every_object_is_found_once_in_image_coordinates_and_scores_full_marks(double[] scales)
    {
        var dir = Directory.CreateTempSubdirectory("dotadetect").FullName;
        try
        {
            var image = Path.Combine(dir, "P0007.png");
            SyntheticDota.WritePng(image, 400, 320, Things);
            var detector = new DotaDetector(Pipeline(scales), SyntheticDota.Detect, Device.Cpu);
            var progress = new List<InferenceProgress>();
            var result = detector.Detect(image, dir, progress: progress.Add);

            Assert.Equal(Things.Length, result.Detections.Count);
            foreach (var t in Things)
            {
                var d = Assert.Single(result.Detections, d => d.ClassId == t.ClassId && Math.Abs(d.Polygon.MinX - t.X) < 2 && Math.Abs(d.Polygon.MinY - t.Y) < 2);
                // pixel boxes hug the pixels: x .. x + width; half-scale windows blur an edge by a pixel or so
                Assert.InRange(d.Polygon.MaxX - t.X - t.Width, -2.0, 2.0);
                Assert.InRange(d.Polygon.MaxY - t.Y - t.Height, -2.0, 2.0);
            }
            Assert.Empty(result.Polygons);                   // a PNG has no georeference
            Assert.True(File.Exists(result.Preview));
            Assert.Equal(result.Windows, progress[^1].Done);

            var labels = new Dictionary<string, DotaLabels>
            {
                ["P0007"] = new(null, null, Things.Select(t => new DotaObject(t.Polygon, SyntheticDota.Classes[t.ClassId], false)).ToList()),
            };
            var zip = Path.Combine(dir, "submission.zip");
            Task1Submission.WriteZip(zip, SyntheticDota.Classes, DotaDetector.ToTask1(SyntheticDota.Classes, [result]));
            var evaluation = DotaEvaluation.Evaluate(labels, Task1Submission.Read(zip), SyntheticDota.Classes);
            Assert.Equal(1.0, evaluation.MeanAp, 9);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_georeferenced_raster_gets_polygons_in_its_crs_with_class_and_score()
    {
        var dir = Directory.CreateTempSubdirectory("dotageo").FullName;
        try
        {
            var raster = Path.Combine(dir, "scene.tif");
            SyntheticDota.WriteGeoTiff(raster, 400, 320, Things, GeoTransform.NorthUp(500000, 5800000, 0.5), 32633);
            var detector = new DotaDetector(Pipeline([1.0], ["geojson", "gpkg"]), SyntheticDota.Detect, Device.Cpu);
            var result = detector.Detect(raster, dir);
            Assert.Equal([Path.Combine(dir, "scene_detections.geojson"), Path.Combine(dir, "scene_detections.gpkg")], result.Polygons);
            var geojson = File.ReadAllText(result.Polygons[0]);
            Assert.Contains("32633", geojson);
            Assert.Contains("\"red-thing\"", geojson);
            Assert.Contains("0.75", geojson);
            // the first object's corner (40, 40) px is (500020, 5799980) m
            Assert.Contains("500020", geojson);
            Assert.Contains("5799980", geojson);
        }
        finally { Directory.Delete(dir, true); }
    }
}
