using NetTopologySuite.Geometries;

namespace GeoDense.Geo.Tests;

public class VectorTests
{
    private static readonly GeoTransform Utm = GeoTransform.NorthUp(400_000, 5_800_000, 0.5);

    /// <summary>Background 0 with two class-1 blocks and one class-2 block; the right 10 columns are nodata (255).</summary>
    private static byte[] ClassMap()
    {
        var ids = new byte[100 * 80];
        for (int y = 0; y < 80; y++)
            for (int x = 0; x < 100; x++)
                ids[y * 100 + x] = x >= 90 ? (byte)255
                    : x is >= 10 and < 30 && y is >= 10 and < 20 ? (byte)1
                    : x is >= 50 and < 60 && y is >= 40 and < 70 ? (byte)1
                    : x is >= 5 and < 25 && y is >= 50 and < 75 ? (byte)2 : (byte)0;
        return ids;
    }

    [Fact]
    public void MasksPolygoniseIntoRegionsInMapCoordinates()
    {
        var features = Polygonizer.Polygonize(ClassMap(), 100, 80, Utm, SpatialReference.FromEpsg(32633),
            skipClasses: [0], classNames: ["background", "building", "tree"]);
        Assert.Equal(3, features.Count);
        var areas = features.OrderBy(f => f.ClassId).ThenBy(f => f.Geometry.Area).Select(f => (f.ClassId, f.Geometry.Area)).ToList();
        Assert.Equal([(1, 200 * 0.25), (1, 300 * 0.25), (2, 500 * 0.25)], areas);
        var building = features.First(f => f.ClassId == 1 && f.Geometry.Area == 50);
        Assert.Equal("building", building.ClassName);
        Assert.Equal(new Envelope(400_005, 400_015, 5_799_990, 5_799_995), building.Geometry.EnvelopeInternal);
    }

    [Theory]
    [InlineData("regions.geojson")]
    [InlineData("regions.gpkg")]
    [InlineData("regions.shp")]
    public void OgrWritersProduceFilesGdalReadsWithCrsAndCount(string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        var crs = SpatialReference.FromEpsg(32633);
        var features = Polygonizer.Polygonize(ClassMap(), 100, 80, Utm, crs, skipClasses: [0], classNames: ["bg", "building", "tree"])
            .Select(f => f with { Score = 0.5 + f.ClassId / 10.0 }).ToList();
        features.Add(new VectorFeature(new OrientedBox(70, 20, 12, 6, Math.PI / 6).ToPolygon(Utm), 3, "car", 0.93));
        VectorWriter.Write(path, features, crs);

        var info = Tools.Run("ogrinfo", "-so", "-al", path);
        Assert.Contains("Feature Count: 4", info);
        Assert.Contains("UTM zone 33N", info);
        Assert.Contains("class_name", info);
        Assert.Contains("score", info);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, ".*partial*"));
        var rows = Tools.Run("ogrinfo", "-al", "-q", "-where", "class = 3", path);
        Assert.Contains("car", rows);
    }

    [Fact]
    public void WholeRealAttributesStayRealInGeoJson()
    {
        // readers infer a GeoJSON field's type from its values: areas that all happen to be whole must not become integers
        using var dir = new TempDir();
        var path = dir.File("whole.geojson");
        var square = new OrientedBox(10, 10, 4, 4, 0).ToPolygon(Utm);
        VectorWriter.Write(path, [new VectorFeature(square, 1, "changed", Area: 1231), new VectorFeature(square, 1, "changed", Area: 4)], null);
        Assert.Contains("\"area\":1231.0", File.ReadAllText(path));
        Assert.Contains("area: Real", Tools.Run("ogrinfo", "-so", "-al", path));
    }

    [Fact]
    public void OrientedBoxesFollowTheLe90CornerOrder()
    {
        var box = new OrientedBox(50, 40, 20, 10, 0);
        Assert.Equal([(40.0, 35.0), (60.0, 35.0), (60.0, 45.0), (40.0, 45.0)], box.Corners());
        var turned = new OrientedBox(50, 40, 20, 10, Math.PI / 2).Corners();
        Assert.Equal(55, turned[0].X, 9);
        Assert.Equal(30, turned[0].Y, 9);
        var polygon = box.ToPolygon(Utm);
        Assert.Equal(200 * 0.25, polygon.Area, 9);
        Assert.Equal(400_020, polygon.Coordinates[0].X, 9);
        Assert.Equal(5_799_982.5, polygon.Coordinates[0].Y, 9);
    }

    [Fact]
    public void ClassRasterOnDiskPolygonisesWithItsCrs()
    {
        using var dir = new TempDir();
        var path = dir.File("classes.tif");
        using (var writer = RasterWriter.Create(path, new RasterSpec(100, 80, 1, RasterDataType.Byte, Utm, SpatialReference.FromEpsg(32633), 255)))
        {
            writer.Write<byte>(PixelWindow.Full(100, 80), [1], ClassMap());
            writer.Commit();
        }
        using var raster = Raster.Open(path);
        var features = Polygonizer.Polygonize(raster);
        // Background (one region) plus three objects; the nodata strip yields nothing.
        Assert.Equal(4, features.Count);
        Assert.Equal(90 * 80 * 0.25, features.Sum(f => f.Geometry.Area), 6);
    }
}
