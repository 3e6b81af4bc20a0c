using System.IO.Compression;

namespace GeoDense.Geo.Tests;

public class RasterIoTests
{
    [Fact]
    public void UtmGeoTiffRoundTripsPixelsGeotransformAndCrs()
    {
        using var dir = new TempDir();
        var path = dir.File("utm.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(300, 200, Epsg: 32633, OriginX: 400_000, OriginY: 5_800_000, PixelSize: 0.5));

        using var raster = Raster.Open(path);
        Assert.Equal((300, 200, 3), (raster.Width, raster.Height, raster.BandCount));
        Assert.Equal("GTiff", raster.DriverName);
        Assert.All(raster.Bands, b => Assert.Equal(RasterDataType.Byte, b.DataType));
        Assert.Equal((256, 256), (raster.Band(1).BlockWidth, raster.Band(1).BlockHeight));
        Assert.Equal(GeoTransform.NorthUp(400_000, 5_800_000, 0.5), raster.GeoTransform);
        var crs = raster.SpatialReference!;
        Assert.Equal(32633, crs.Epsg);
        Assert.Contains("UTM zone 33N", crs.Wkt);
        Assert.False(crs.IsGeographic);
        Assert.Null(raster.Band(1).NoData);

        var window = new PixelWindow(17, 33, 120, 90);
        var pixels = raster.Read<float>(window, [1, 2, 3]);
        for (int b = 0; b < 3; b++)
            for (int y = 0; y < window.Height; y++)
                for (int x = 0; x < window.Width; x++)
                    Assert.Equal(SyntheticScene.Value(b + 1, window.X + x, window.Y + y), pixels[(b * window.Height + y) * window.Width + x]);
    }

    [Fact]
    public void Wgs84Float32RasterRoundTripsExactValues()
    {
        using var dir = new TempDir();
        var path = dir.File("wgs84.tif");
        var gt = new GeoTransform(12.5, 0.001, 0, 48.25, 0, -0.001);
        var values = Enumerable.Range(0, 64 * 48).Select(i => MathF.Sin(i * 0.37f) * 1000f).ToArray();
        using (var writer = RasterWriter.Create(path, new RasterSpec(64, 48, 1, RasterDataType.Float32, gt, SpatialReference.FromEpsg(4326), NoData: -9999),
                   new GeoTiffOptions(Predictor: true)))
        {
            writer.Write<float>(PixelWindow.Full(64, 48), [1], values);
            writer.Commit();
        }
        using var raster = Raster.Open(path);
        Assert.Equal(4326, raster.SpatialReference!.Epsg);
        Assert.True(raster.SpatialReference.IsGeographic);
        Assert.Equal(gt, raster.GeoTransform);
        Assert.Equal(-9999, raster.Band(1).NoData);
        Assert.Equal(RasterDataType.Float32, raster.Band(1).DataType);
        Assert.Equal(values, raster.Read<float>(PixelWindow.Full(64, 48), [1]));
        // Geographic CRS: lon/lat are the map coordinates themselves (x = lon, y = lat).
        var (lon, lat) = raster.PixelToLonLat(10, 20);
        Assert.Equal(12.51, lon, 9);
        Assert.Equal(48.23, lat, 9);
    }

    [Fact]
    public void MultiBandUInt16WithNodataReadsMaskAndPadsNodata()
    {
        using var dir = new TempDir();
        var path = dir.File("u16.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(100, 80, Bands: 4, DataType: RasterDataType.UInt16, NoData: 0, NoDataBorder: 10,
            Tiff: new GeoTiffOptions(Compression.Lzw, Predictor: true)));
        using var raster = Raster.Open(path);
        Assert.Equal(4, raster.BandCount);
        Assert.All(raster.Bands, b => Assert.Equal((RasterDataType.UInt16, (double?)0), (b.DataType, b.NoData)));
        Assert.False(raster.AllValid([1, 2]));

        var window = new PixelWindow(0, 5, 30, 20);
        var mask = new byte[window.Area];
        raster.ReadValidMask(window, [1, 4], mask);
        Assert.Equal(0, mask[3 * 30 + 9]);
        Assert.Equal(1, mask[3 * 30 + 10]);

        var padded = raster.Read<float>(window, [4, 2], new WindowReadOptions(PadValue: -1, NodataAsPad: true));
        Assert.Equal(-1f, padded[0]);
        Assert.Equal(SyntheticScene.Value(4, 10, 5) * 200f, padded[10]);
        Assert.Equal(SyntheticScene.Value(2, 29, 24) * 200f, padded[window.Area + 19 * 30 + 29]);

        var raw = raster.Read<ushort>(window, [1]);
        Assert.Equal(0, raw[0]);
        Assert.Equal(SyntheticScene.Value(1, 12, 5) * 200, raw[12]);
        // Byte reads saturate: every uint16 value here is >= 200.
        Assert.All(raster.Read<byte>(new PixelWindow(10, 0, 20, 20), [1]), v => Assert.Equal(255, v));
    }

    [Fact]
    public void OutOfBoundsWindowIsPaddedAroundTheRealPixels()
    {
        using var dir = new TempDir();
        var path = dir.File("small.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(40, 30, Bands: 2));
        using var raster = Raster.Open(path);
        var window = new PixelWindow(-10, -5, 64, 64);
        var data = raster.Read<byte>(window, [2, 1], new WindowReadOptions(PadValue: 7));
        for (int b = 0; b < 2; b++)
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                {
                    int sx = x - 10, sy = y - 5;
                    var expected = sx is >= 0 and < 40 && sy is >= 0 and < 30 ? SyntheticScene.Value(2 - b, sx, sy) : 7;
                    Assert.Equal(expected, data[(b * 64 + y) * 64 + x]);
                }
        Assert.All(raster.Read<float>(new PixelWindow(100, 100, 8, 8), [1], new WindowReadOptions(PadValue: 3)), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void DownscaledReadUsesNearestPixelCentres()
    {
        using var dir = new TempDir();
        var path = dir.File("scale.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(64, 64, Bands: 1));
        using var raster = Raster.Open(path);
        var half = raster.Read<float>(PixelWindow.Full(64, 64), [1], new WindowReadOptions(OutputWidth: 32, OutputHeight: 32, Resampling: Resampling.Nearest));
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                Assert.Equal(SyntheticScene.Value(1, 2 * x + 1, 2 * y + 1), half[y * 32 + x]);
    }

    [Fact]
    public void WindowWritesLandWhereAsked()
    {
        using var dir = new TempDir();
        var path = dir.File("write.tif");
        using (var writer = RasterWriter.Create(path, new RasterSpec(50, 40, 2, RasterDataType.Int16)))
        {
            var patch = Enumerable.Range(0, 2 * 6 * 5).Select(i => (short)(i - 30)).ToArray();
            writer.Write<short>(new PixelWindow(20, 10, 6, 5), [1, 2], patch);
            writer.Commit();
        }
        using var raster = Raster.Open(path);
        var back = raster.Read<short>(new PixelWindow(20, 10, 6, 5), [1, 2]);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (short)(i - 30)), back);
        Assert.Equal(0, raster.Read<short>(new PixelWindow(0, 0, 1, 1), [2])[0]);
        Assert.False(raster.IsGeoreferenced);
    }

    [Fact]
    public void CogHasOverviewsAndTheSamePixels()
    {
        using var dir = new TempDir();
        var path = dir.File("scene.cog.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(1500, 1100, Tiff: GeoTiffOptions.CloudOptimized));
        using var cog = Raster.Open(path);
        Assert.Equal((512, 512), (cog.Band(1).BlockWidth, cog.Band(1).BlockHeight));
        Assert.True(cog.Band(1).OverviewCount >= 1);
        Assert.Equal(32633, cog.SpatialReference!.Epsg);
        var w = new PixelWindow(700, 900, 50, 50);
        var pixels = cog.Read<byte>(w, [3]);
        Assert.Equal(SyntheticScene.Value(3, 749, 949), pixels[^1]);
        var info = Tools.Run("gdalinfo", path);
        Assert.Contains("LAYOUT=COG", info);
        Assert.Empty(Directory.GetFiles(dir.Path, "*partial*"));
    }

    [Fact]
    public void VsimemAndVsizipPathsOpen()
    {
        using var dir = new TempDir();
        var memPath = $"/vsimem/geodense-test-{Guid.NewGuid():N}.tif";
        SyntheticScene.Write(memPath, new SyntheticSceneOptions(70, 60));
        var bytes = Vsi.ReadMemoryFile(memPath);
        using (var raster = Raster.Open(memPath))
            Assert.Equal(SyntheticScene.Value(1, 69, 59), raster.Read<byte>(new PixelWindow(69, 59, 1, 1), [1])[0]);
        Vsi.Delete(memPath);
        Assert.False(Vsi.Exists(memPath));

        var zip = dir.File("scenes.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        using (var entry = archive.CreateEntry("inner/scene.tif").Open())
            entry.Write(bytes);
        using var zipped = Raster.Open($"/vsizip/{zip}/inner/scene.tif");
        Assert.Equal((70, 60), (zipped.Width, zipped.Height));
        Assert.Equal(SyntheticScene.Value(2, 5, 6), zipped.Read<byte>(new PixelWindow(5, 6, 1, 1), [2])[0]);
    }

    [Fact]
    public void UncommittedWriterLeavesNothingAtTheFinalPath()
    {
        using var dir = new TempDir();
        var path = dir.File("never.tif");
        using (var writer = RasterWriter.Create(path, new RasterSpec(10, 10, 1, RasterDataType.Byte)))
        {
            writer.Write<byte>(new PixelWindow(0, 0, 10, 10), [1], new byte[100]);
            Assert.False(File.Exists(path));
        }
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void PixelMapAndLonLatTransformsAgree()
    {
        using var dir = new TempDir();
        var path = dir.File("utm.tif");
        // EPSG:32633 false easting 500000 lies on the central meridian 15 E; the equator has northing 0.
        SyntheticScene.Write(path, new SyntheticSceneOptions(100, 100, Bands: 1, OriginX: 499_950, OriginY: 50, PixelSize: 1));
        using var raster = Raster.Open(path);
        Assert.Equal((500_000.0, 0.0), raster.PixelToMap(50, 50));
        var (lon, lat) = raster.PixelToLonLat(50, 50);
        Assert.Equal(15.0, lon, 9);
        Assert.Equal(0.0, lat, 9);
        var (col, row) = raster.LonLatToPixel(lon, lat);
        Assert.Equal(50, col, 6);
        Assert.Equal(50, row, 6);
        using var toUtm = new CoordinateTransform(SpatialReference.Wgs84, SpatialReference.FromEpsg(32633));
        var (x, y) = toUtm.Transform(15, 52);
        Assert.Equal(500_000, x, 3);
        Assert.InRange(y, 5_761_000, 5_762_000);
    }
}
