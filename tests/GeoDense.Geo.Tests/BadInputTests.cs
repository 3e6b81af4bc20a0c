namespace GeoDense.Geo.Tests;

public class BadInputTests
{
    [Fact]
    public void MissingFileNamesThePath()
    {
        var path = "/nonexistent/dir/missing.tif";
        var e = Assert.Throws<RasterInputException>(() => Raster.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.EndsWith("InputException", e.GetType().Name);
    }

    [Fact]
    public void TextFileNamedTifIsNotARaster()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.tif");
        File.WriteAllText(path, "this is a shopping list, not an image\n");
        var e = Assert.Throws<RasterInputException>(() => Raster.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a raster", e.Message);
    }

    [Fact]
    public void TruncatedGeoTiffFailsOnOpenOrReadNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("cut.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(600, 600, Tiff: new GeoTiffOptions(Compression.None)));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<RasterInputException>(() =>
        {
            using var raster = Raster.Open(path);
            raster.Read<byte>(PixelWindow.Full(raster.Width, raster.Height), raster.AllBands());
        });
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void RasterWithoutGeoreferenceWarnsAndStaysInPixelSpace()
    {
        using var dir = new TempDir();
        var path = dir.File("plain.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(32, 32, Epsg: null));
        using var raster = Raster.Open(path);
        Assert.False(raster.IsGeoreferenced);
        Assert.Null(raster.GeoTransform);
        Assert.Null(raster.SpatialReference);
        var warnings = new List<string>();
        void Collect(string m) { lock (warnings) warnings.Add(m); }
        GeoDiagnostics.Warning += Collect;
        try { raster.WarnIfNotGeoreferenced(); }
        finally { GeoDiagnostics.Warning -= Collect; }
        Assert.Contains(warnings, w => w.Contains(path) && w.Contains("no georeference"));
        Assert.Throws<RasterInputException>(() => raster.PixelToMap(1, 1));
        var info = raster.Describe();
        Assert.False(info.IsGeoreferenced);
        Assert.Contains("none", info.ToText());
    }

    [Fact]
    public void ComplexPixelsAreAnUnsupportedDataType()
    {
        using var dir = new TempDir();
        var path = dir.File("radar.tif");
        using (var writer = RasterWriter.Create(path, new RasterSpec(16, 16, 1, RasterDataType.CFloat32)))
            writer.Commit();
        using var raster = Raster.Open(path);
        var e = Assert.Throws<RasterInputException>(() => raster.Read<float>(new PixelWindow(0, 0, 16, 16), [1]));
        Assert.Contains(path, e.Message);
        Assert.Contains("CFloat32", e.Message);
    }

    [Fact]
    public void DirectoryIsNotARaster()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<RasterInputException>(() => Raster.Open(dir.Path));
        Assert.Contains("directory", e.Message);
    }

    [Fact]
    public void BandOutOfRangeSaysHowManyBandsExist()
    {
        using var dir = new TempDir();
        var path = dir.File("two.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(8, 8, Bands: 2));
        using var raster = Raster.Open(path);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => raster.Read<float>(new PixelWindow(0, 0, 4, 4), [3]));
        Assert.Contains("2 band(s)", e.Message);
    }
}
