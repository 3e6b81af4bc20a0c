using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Segmentation;

/// <summary>
/// The worker's row-band shards: bands predicted separately (with their halo batches) and assembled give the class
/// map of one Predict run exactly, also with two scales (batches break where the window shape changes) and a nodata
/// strip (windows skipped), and with band edges that cut through windows and blocks.
/// </summary>
public class RowBandTests
{
    [Fact]
    public void Row_bands_assembled_equal_one_run_pixel_for_pixel()
    {
        var dir = Directory.CreateTempSubdirectory("seg-bands").FullName;
        try
        {
            var input = Path.Combine(dir, "mosaic.tif");
            SyntheticPotsdam.WriteMosaic(input, 300, 420, seed: 5, nodataColumns: 60);
            var pipeline = PipelineFile.Parse<SegmentationPipeline>("""
                task: segmentation
                model: { backbone: lemevit-nano, head: upernet, classes: [impervious_surface, building, low_vegetation, tree, car, clutter], ignore_index: 5, channels: 16, aux_channels: 0 }
                tiling: { size: 128, stride: 96, scales: [1.0, 0.5], batch_size: 3, blend: cosine }
                output: { formats: [cog, geojson] }
                device: cpu
                """);
            using var model = SegmentationModels.Create(pipeline);
            model.Eval();
            var predictor = new SegmentationPredictor(pipeline, model, Device.Cpu);
            var whole = predictor.Predict(input, Path.Combine(dir, "whole"));

            (int Start, int End)[] rows = [(0, 100), (100, 257), (257, 420)];
            var bands = rows.Select(r => new RowBandFile(r.Start, r.End, Path.Combine(dir, "bands", $"rows-{r.Start}.tif"))).ToList();
            foreach (var band in bands) predictor.PredictRows(input, band.RowStart, band.RowEnd, band.Path);
            var assembled = SegmentationPredictor.AssembleRowBands(pipeline, input, bands, Path.Combine(dir, "assembled"), "mosaic");

            using var expected = Raster.Open(whole.Classes);
            using var actual = Raster.Open(assembled.Classes);
            Assert.Equal(expected.GeoTransform, actual.GeoTransform);
            var a = expected.Read<byte>(PixelWindow.Full(300, 420), [1]);
            var b = actual.Read<byte>(PixelWindow.Full(300, 420), [1]);
            Assert.Equal(a, b);
            Assert.Contains(a, v => v == 255); // the nodata strip is there, and stays nodata
            Assert.Equal(File.ReadAllText(whole.Polygons[0]), File.ReadAllText(assembled.Polygons[0]));
        }
        finally { Directory.Delete(dir, true); }
    }
}
