using System.Diagnostics;
using GeoDense.Geo;

namespace GeoDense.Cli.Tests;

/// <summary>Inputs that are valid but unusual: NaN holes without a nodata value, GCP georeference, none at all.</summary>
public class RasterInputTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    private const int Width = 300, Height = 200;

    /// <summary>A 3-band float32 scene with NaN in every band on rows 40..79 and columns 250..269, and no nodata value.</summary>
    private string NanStriped(out bool[] nan)
    {
        var path = files.PathOf("nan-stripes.tif");
        var values = new float[3 * Width * Height];
        nan = new bool[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                bool hole = y is >= 40 and < 80 || x is >= 250 and < 270;
                nan[y * Width + x] = hole;
                for (int b = 0; b < 3; b++) values[(b * Height + y) * Width + x] = hole ? float.NaN : (x * 7 + y * 3 + b * 50) % 256;
            }
        using var writer = RasterWriter.Create(path, new RasterSpec(Width, Height, 3, RasterDataType.Float32,
            GeoTransform.NorthUp(400_000, 5_800_000, 0.5), SpatialReference.FromEpsg(32633)));
        writer.Write<float>(PixelWindow.Full(Width, Height), [1, 2, 3], values);
        writer.Commit();
        return path;
    }

    /// <summary>The test scene with its geotransform replaced by four GCPs in UTM 33N (gdal_translate, as a user would).</summary>
    private string WithGcps()
    {
        var plain = files.PathOf("gcp-source.tif");
        SyntheticScene.Write(plain, new SyntheticSceneOptions(Width, Height, Epsg: null));
        var path = files.PathOf("gcps.tif");
        var start = new ProcessStartInfo("gdal_translate") { RedirectStandardError = true };
        foreach (var a in new[] { "-q", "-a_srs", "EPSG:32633", "-gcp", "0", "0", "400000", "5800000", "-gcp", "300", "0", "400150", "5800000",
                     "-gcp", "0", "200", "400000", "5799900", "-gcp", "300", "200", "400150", "5799900", plain, path })
            start.ArgumentList.Add(a);
        using var translate = Process.Start(start)!;
        var err = translate.StandardError.ReadToEnd();
        translate.WaitForExit();
        Assert.True(translate.ExitCode == 0, err);
        return path;
    }

    private static string NewDir() => Directory.CreateTempSubdirectory("geodense-cli-out-").FullName;

    [Fact]
    public void Segment_marks_exactly_the_NaN_pixels_as_nodata_in_the_class_map()
    {
        var input = NanStriped(out var nan);
        var output = NewDir();
        try
        {
            var (code, _, stderr) = GeodenseProcess.Run("segment", "--pipeline", files.Pipeline, "--weights", files.Weights,
                "--input", input, "--output", output, "--threads", "1");
            Assert.True(code == 0, stderr);
            using var classes = Raster.Open(Path.Combine(output, "nan-stripes_classes.tif"));
            Assert.Equal(255, classes.Band(1).NoData);
            var ids = classes.Read<byte>(PixelWindow.Full(Width, Height), [1]);
            Assert.Equal(nan.Count(n => n), ids.Count(v => v == 255));
            for (int p = 0; p < ids.Length; p++)
                Assert.True(nan[p] == (ids[p] == 255), $"pixel ({p % Width}, {p / Width}): NaN {nan[p]}, class {ids[p]}");
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [Fact]
    public void Info_shows_the_gcp_count_and_segment_output_keeps_the_gcps()
    {
        var input = WithGcps();
        var info = GeodenseProcess.Run("info", input);
        Assert.True(info.ExitCode == 0, info.Err);
        Assert.Contains("GCPs:        4, CRS EPSG:32633", info.Out);
        var json = GeodenseProcess.Run("info", "--json", input);
        Assert.Contains("\"gcp_count\": 4", json.Out);

        var output = NewDir();
        try
        {
            var (code, _, stderr) = GeodenseProcess.Run("segment", "--pipeline", files.Pipeline, "--weights", files.Weights,
                "--input", input, "--output", output, "--threads", "1");
            Assert.True(code == 0, stderr);
            Assert.DoesNotContain("no georeference", stderr);
            using var classes = Raster.Open(Path.Combine(output, "gcps_classes.tif"));
            Assert.Null(classes.GeoTransform);
            var gcps = classes.GroundControlPoints!;
            Assert.Equal(4, gcps.Count);
            Assert.Equal(32633, gcps.Crs!.Epsg);
            Assert.Equal((300.0, 200.0, 400150.0, 5799900.0), (gcps.Points[3].Pixel, gcps.Points[3].Line, gcps.Points[3].X, gcps.Points[3].Y));
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
