namespace GeoDense.Geo.Tests;

public class AlignmentTests
{
    /// <summary>A black UTM 33N raster (1 m pixels) with a white square at columns 150..189, rows 220..259.</summary>
    private static string MakeReference(TempDir dir, string name, double originX)
    {
        var path = dir.File(name);
        var pixels = new byte[400 * 400];
        for (int y = 220; y < 260; y++)
            for (int x = 150; x < 190; x++) pixels[y * 400 + x] = 255;
        using var writer = RasterWriter.Create(path, new RasterSpec(400, 400, 1, RasterDataType.Byte,
            GeoTransform.NorthUp(originX, 5_800_000, 1), SpatialReference.FromEpsg(32633)));
        writer.Write<byte>(PixelWindow.Full(400, 400), [1], pixels);
        writer.Commit();
        return path;
    }

    private static (int X0, int Y0, int X1, int Y1) BrightBox(byte[] pixels, int width)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int p = 0; p < pixels.Length; p++)
            if (pixels[p] > 127)
            {
                int x = p % width, y = p / width;
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
            }
        return (x0, y0, x1, y1);
    }

    [Fact]
    public void SecondDateInAnotherCrsAndResolutionLandsOnTheFirstGridWithinOnePixel()
    {
        using var dir = new TempDir();
        var reference = MakeReference(dir, "before.tif", 400_000);
        // The second date: the same scene in geographic coordinates at a coarser, non-integer resolution.
        var after = dir.File("after-wgs84.tif");
        Tools.Run("gdalwarp", "-q", "-t_srs", "EPSG:4326", "-tr", "0.000021", "0.000013", "-r", "near", reference, after);
        using (var other = Raster.Open(after))
            Assert.Equal(4326, other.SpatialReference!.Epsg);

        using var first = Raster.Open(reference);
        using var aligned = RasterAlignment.AlignTo(first, after, Resampling.Bilinear);
        Assert.Equal((400, 400), (aligned.Width, aligned.Height));
        Assert.Equal(first.GeoTransform!.Value.OriginX, aligned.GeoTransform!.Value.OriginX, 6);
        Assert.Equal(first.GeoTransform!.Value.PixelWidth, aligned.GeoTransform!.Value.PixelWidth, 9);
        Assert.Equal(32633, aligned.SpatialReference!.Epsg);
        var (x0, y0, x1, y1) = BrightBox(aligned.Read<byte>(PixelWindow.Full(400, 400), [1]), 400);
        Assert.InRange(x0, 149, 151);
        Assert.InRange(y0, 219, 221);
        Assert.InRange(x1, 188, 190);
        Assert.InRange(y1, 258, 260);

        // Saved as a VRT, the aligned date can be tiled by path on the tiler's own thread.
        var vrt = $"/vsimem/aligned-{Guid.NewGuid():N}.vrt";
        RasterAlignment.WriteAlignedVrt(first, after, vrt, Resampling.Bilinear);
        var window = WindowGrid.Create(400, 400, new GridOptions(400, 400));
        var tiled = Tiler.ReadBatches(vrt, window).Single();
        using (tiled)
            Assert.Equal((x0, y0, x1, y1), BrightBox(tiled.Tile(0).ToArray().Select(v => (byte)v).ToArray(), 400));
        Vsi.Delete(vrt);
    }

    [Fact]
    public void RastersThatDoNotOverlapAreRejectedNamingBothFiles()
    {
        using var dir = new TempDir();
        var before = MakeReference(dir, "before.tif", 400_000);
        var elsewhere = MakeReference(dir, "elsewhere.tif", 600_000);
        using var first = Raster.Open(before);
        var e = Assert.Throws<RasterInputException>(() => RasterAlignment.AlignTo(first, elsewhere));
        Assert.Contains(before, e.Message);
        Assert.Contains(elsewhere, e.Message);
        Assert.Contains("do not overlap", e.Message);
    }

    [Fact]
    public void UngeoreferencedSecondDateCannotBeAligned()
    {
        using var dir = new TempDir();
        var before = MakeReference(dir, "before.tif", 400_000);
        var plain = dir.File("plain.tif");
        SyntheticScene.Write(plain, new SyntheticSceneOptions(50, 50, Bands: 1, Epsg: null));
        using var first = Raster.Open(before);
        var e = Assert.Throws<RasterInputException>(() => RasterAlignment.AlignTo(first, plain));
        Assert.Contains(plain, e.Message);
        Assert.Contains("no geotransform", e.Message);
    }
}
