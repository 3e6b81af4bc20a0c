namespace GeoDense.Geo.Tests;

/// <summary>
/// <see cref="Polygonizer.PolygonizeTo"/> streams polygons through a scratch file instead of a list in memory: its files
/// must equal those the in-memory list gives, in every format, and it must leave nothing behind.
/// </summary>
public class StreamedPolygonTests
{
    private static readonly GeoTransform Utm = GeoTransform.NorthUp(400_000, 5_800_000, 0.5);

    /// <summary>Blotchy classes 0-3 (regions with holes, touching regions, single pixels) and a nodata strip on the left.</summary>
    private static string ClassRaster(TempDir dir, int width, int height, bool allNodata = false)
    {
        var rng = new Random(5);
        var ids = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                ids[y * width + x] = allNodata || x < 7 ? (byte)255
                    : rng.Next(12) == 0 ? (byte)rng.Next(4)
                    : (byte)((x / 9 + y / 13 + (x * y) / 200) % 4);
        var path = dir.File("classes.tif");
        using var writer = RasterWriter.Create(path, new RasterSpec(width, height, 1, RasterDataType.Byte, Utm, SpatialReference.FromEpsg(32633), 255));
        writer.Write<byte>(PixelWindow.Full(width, height), [1], ids);
        writer.Commit();
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamedFilesEqualTheInMemoryListsInEveryFormat(bool allNodata)
    {
        using var dir = new TempDir();
        using var raster = Raster.Open(ClassRaster(dir, 181, 97, allNodata));
        string[] names = ["road", "building", "grass"];   // class 3 has no name: the column must still match
        var listed = Directory.CreateDirectory(dir.File("listed")).FullName;
        var streamed = Directory.CreateDirectory(dir.File("streamed")).FullName;
        var formats = new[] { ("a.geojson", VectorFormat.GeoJson), ("a.gpkg", VectorFormat.GeoPackage), ("a.shp", VectorFormat.Shapefile) };

        var features = Polygonizer.Polygonize(raster, classNames: names);
        Assert.Equal(allNodata, features.Count == 0);
        foreach (var (file, format) in formats)
            VectorWriter.Write(Path.Combine(listed, file), features, raster.SpatialReference, format, layerName: "classes");
        Polygonizer.PolygonizeTo(raster, formats.Select(f => (Path.Combine(streamed, f.Item1), f.Item2)).ToList(), "classes", classNames: names);

        Assert.Equal(File.ReadAllBytes(Path.Combine(listed, "a.geojson")), File.ReadAllBytes(Path.Combine(streamed, "a.geojson")));
        // GeoPackage and dBase files carry write times: compared as GDAL reads them back
        foreach (var file in new[] { "a.gpkg", "a.shp" })
            Assert.Equal(Tools.Run("ogrinfo", "-al", "-q", Path.Combine(listed, file)), Tools.Run("ogrinfo", "-al", "-q", Path.Combine(streamed, file)));
        Assert.Equal(Directory.GetFiles(listed).Select(Path.GetFileName).Order(), Directory.GetFiles(streamed).Select(Path.GetFileName).Order());
        if (!allNodata) Assert.Contains("class_name: String", Tools.Run("ogrinfo", "-so", "-al", Path.Combine(streamed, "a.gpkg")));
    }

    [Fact]
    public void SkippedClassesAreLeftOutAndTheScratchFileIsGone()
    {
        using var dir = new TempDir();
        using var raster = Raster.Open(ClassRaster(dir, 120, 64));
        var path = dir.File("kept.geojson");
        Polygonizer.PolygonizeTo(raster, [(path, VectorFormat.GeoJson)], "classes", skipClasses: [0, 2]);

        var expected = Polygonizer.Polygonize(raster, skipClasses: [0, 2]);
        Assert.NotEmpty(expected);
        Assert.Contains($"Feature Count: {expected.Count}", Tools.Run("ogrinfo", "-so", "-al", path));
        Assert.DoesNotContain("\"class\":2", File.ReadAllText(path));
        Assert.Contains("\"class\":1", File.ReadAllText(path));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, ".*"));
    }

    [Fact]
    public void ACancelledRunLeavesNoOutput()
    {
        using var dir = new TempDir();
        using var raster = Raster.Open(ClassRaster(dir, 120, 64));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => Polygonizer.PolygonizeTo(raster,
            [(dir.File("a.geojson"), VectorFormat.GeoJson), (dir.File("a.gpkg"), VectorFormat.GeoPackage), (dir.File("a.shp"), VectorFormat.Shapefile)],
            "classes", cancellationToken: cancelled.Token));
        Assert.Equal(["classes.tif"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }
}
