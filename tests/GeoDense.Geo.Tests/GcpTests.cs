namespace GeoDense.Geo.Tests;

/// <summary>A raster georeferenced by ground control points (no geotransform) passes them on to its outputs.</summary>
public class GcpTests
{
    /// <summary>A GeoTIFF with four GCPs in WGS 84 and no geotransform, made by gdal_translate as a user would.</summary>
    private static string MakeGcpRaster(TempDir dir)
    {
        var plain = dir.File("plain.tif");
        SyntheticScene.Write(plain, new SyntheticSceneOptions(90, 70, Bands: 1, Epsg: null));
        var path = dir.File("gcps.tif");
        Tools.Run("gdal_translate", "-q", "-a_srs", "EPSG:4326",
            "-gcp", "0", "0", "13.0", "52.5", "-gcp", "90", "0", "13.1", "52.5",
            "-gcp", "0", "70", "13.0", "52.4", "-gcp", "90", "70", "13.1", "52.41", plain, path);
        return path;
    }

    [Fact]
    public void GcpsAndTheirCrsAreReadAndCountAsGeoreference()
    {
        using var dir = new TempDir();
        using var raster = Raster.Open(MakeGcpRaster(dir));
        Assert.Null(raster.GeoTransform);
        var gcps = raster.GroundControlPoints!;
        Assert.Equal(4, gcps.Count);
        Assert.Equal(4326, gcps.Crs!.Epsg);
        Assert.Equal((90.0, 70.0, 13.1, 52.41), (gcps.Points[3].Pixel, gcps.Points[3].Line, gcps.Points[3].X, gcps.Points[3].Y));
        Assert.True(raster.IsGeoreferenced);
        var info = raster.Describe();
        Assert.Equal(4, info.GcpCount);
        Assert.True(info.IsGeoreferenced);
        Assert.Contains("GCPs:        4", info.ToText());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StitchedOutputCarriesTheInputGcps(bool cog)
    {
        using var dir = new TempDir();
        var input = MakeGcpRaster(dir);
        var output = dir.File(cog ? "classes-cog.tif" : "classes.tif");
        var warnings = new List<string>();
        void Collect(string m) { lock (warnings) warnings.Add(m); }
        GeoDiagnostics.Warning += Collect;
        try
        {
            using var source = Raster.Open(input);
            var windows = WindowGrid.Create(source, new GridOptions(64, 48));
            using var stitcher = StreamingStitcher.ForRaster(source, windows, new StitcherOptions(1, ClassPath: output,
                Tiff: cog ? GeoTiffOptions.CloudOptimized with { BlockSize = 256 } : null));
            foreach (var w in windows) stitcher.AddScores(w, Enumerable.Repeat(0.9f, 64 * 64).ToArray());
            stitcher.Complete();
        }
        finally { GeoDiagnostics.Warning -= Collect; }
        // other test classes warn about their own rasters on the same process-wide event
        Assert.DoesNotContain(warnings, w => w.Contains("no georeference") && w.Contains(input));

        using var result = Raster.Open(output);
        Assert.Null(result.GeoTransform);
        var gcps = result.GroundControlPoints!;
        Assert.Equal(4, gcps.Count);
        Assert.Equal(4326, gcps.Crs!.Epsg);
        Assert.Equal((0.0, 70.0, 13.0, 52.4), (gcps.Points[2].Pixel, gcps.Points[2].Line, gcps.Points[2].X, gcps.Points[2].Y));
        // an independent reader agrees
        var gdalinfo = Tools.Run("gdalinfo", output);
        Assert.Contains("GCP Projection", gdalinfo);
        Assert.Contains("GCP[  3]", gdalinfo);
    }
}
