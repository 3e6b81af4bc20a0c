using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Segmentation;

public class PredictorTests
{
    internal static SegmentationPipeline Pipeline(string formats = "[cog, probabilities, geojson, png]") => PipelineFile.Parse<SegmentationPipeline>($$"""
        task: segmentation
        model: { backbone: lemevit-nano, head: upernet, classes: [impervious_surface, building, low_vegetation, tree, car, clutter], ignore_index: 5, channels: 16, aux_channels: 0 }
        tiling: { size: 128, stride: 96, batch_size: 4, blend: cosine }
        output: { formats: {{formats}} }
        device: cpu
        """);

    [Fact]
    public void Mosaic_outputs_keep_georeference_and_nodata_and_every_format_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("seg-predict").FullName;
        try
        {
            var input = Path.Combine(dir, "mosaic.tif");
            SyntheticPotsdam.WriteMosaic(input, 420, 300, seed: 3, nodataColumns: 150);
            var pipeline = Pipeline("[cog, probabilities, geojson, gpkg, shapefile, png]");
            using var model = SegmentationModels.Create(pipeline);
            model.Eval();
            var progress = new List<GeoDense.Tasks.Inference.InferenceProgress>();
            var outputs = new SegmentationPredictor(pipeline, model, Device.Cpu).Predict(input, Path.Combine(dir, "out"), progress.Add);

            using var source = Raster.Open(input);
            using var classes = Raster.Open(outputs.Classes);
            Assert.Equal(source.GeoTransform, classes.GeoTransform);
            Assert.True(source.SpatialReference!.IsSameAs(classes.SpatialReference!));
            Assert.Equal((source.Width, source.Height), (classes.Width, classes.Height));
            Assert.Equal(255, classes.Band(1).NoData);
            var ids = classes.Read<byte>(PixelWindow.Full(420, 300), [1]);
            for (int y = 0; y < 300; y++)
                for (int x = 0; x < 420; x++)
                    Assert.True(x < 150 ? ids[y * 420 + x] == 255 : ids[y * 420 + x] < 5, $"pixel ({x}, {y}) = {ids[y * 420 + x]}");
            // windows entirely in the nodata strip are skipped, the rest all arrive
            Assert.Equal(outputs.Tiles, progress[^1].Done);
            Assert.True(outputs.Tiles < WindowGrid.Create(420, 300, new GridOptions(128, 96)).Count);
            using var probabilities = Raster.Open(outputs.Probabilities!);
            Assert.Equal(5, probabilities.BandCount);
            // every requested vector format is written, not just one of them
            Assert.Equal(["mosaic_classes.geojson", "mosaic_classes.gpkg", "mosaic_classes.shp"], outputs.Polygons.Select(Path.GetFileName));
            Assert.All(outputs.Polygons, p => Assert.True(new FileInfo(p).Length > 100, p));
            Assert.True(File.Exists(Path.ChangeExtension(outputs.Polygons[2], ".dbf")));
            Assert.True(File.Exists(outputs.Preview!));
        }
        finally { Directory.Delete(dir, true); }
    }
}
