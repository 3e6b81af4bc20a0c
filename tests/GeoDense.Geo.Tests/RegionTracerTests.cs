using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace GeoDense.Geo.Tests;

/// <summary>
/// The polygoniser traces regions row by row: checked against an independent flood fill on class maps made to be hard
/// (salt-and-pepper noise full of diagonal touches, regions nested in holes, classes touching the border, nodata).
/// </summary>
public class RegionTracerTests
{
    private const byte NoData = 255;

    public static TheoryData<string, int> Maps => new() { { "noise", 1 }, { "noise", 2 }, { "blobs", 3 }, { "rings", 4 }, { "checkerboard", 5 } };

    private static byte[] Map(string kind, int seed, int width, int height)
    {
        var rng = new Random(seed);
        var ids = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                ids[y * width + x] = kind switch
                {
                    "noise" => rng.Next(9) == 0 ? NoData : (byte)rng.Next(3),
                    "blobs" => rng.Next(15) == 0 ? (byte)rng.Next(4) : (byte)((x / 7 + y / 5 + x * y / 97) % 4),
                    // concentric squares: each ring a region with a hole holding the next, plus pinholes
                    "rings" => rng.Next(40) == 0 ? NoData : (byte)(Math.Min(Math.Min(x, y), Math.Min(width - 1 - x, height - 1 - y)) / 3 % 3),
                    _ => (byte)((x + y) % 2),
                };
        return ids;
    }

    [Theory]
    [MemberData(nameof(Maps))]
    public void EachFourConnectedRegionBecomesOneValidPolygonCoveringExactlyItsPixels(string kind, int seed)
    {
        const int width = 61, height = 43;
        var ids = Map(kind, seed, width, height);
        var transform = GeoTransform.NorthUp(300_000, 4_000_000, 2);
        var features = Polygonizer.Polygonize(ids, width, height, transform, noData: NoData);

        var (components, count) = FloodFill(ids, width, height);
        Assert.Equal(count, features.Count);
        var pixelsOf = new int[count];
        foreach (var c in components) if (c >= 0) pixelsOf[c]++;

        // every pixel centre lies in exactly one polygon, of its class, and each polygon holds one whole component
        var owner = new int[count];
        Array.Fill(owner, -1);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (mx, my) = transform.PixelToMap(x + 0.5, y + 0.5);
                var centre = new Point(mx, my);
                var holders = features.Select((f, i) => (f, i)).Where(p => p.f.Geometry.EnvelopeInternal.Contains(mx, my) && p.f.Geometry.Contains(centre)).ToList();
                int component = components[y * width + x];
                if (component < 0)
                {
                    Assert.Empty(holders);
                    continue;
                }
                var (feature, index) = Assert.Single(holders);
                Assert.Equal(ids[y * width + x], feature.ClassId);
                Assert.True(owner[component] == -1 || owner[component] == index, $"component {component} split over polygons");
                owner[component] = index;
            }
        for (int c = 0; c < count; c++)
            Assert.Equal(pixelsOf[c] * 4.0, features[owner[c]].Geometry.Area, 9);

        foreach (var polygon in features.Select(f => (Polygon)f.Geometry))
        {
            Assert.True(polygon.IsValid, $"invalid polygon {polygon}");
            // RFC 7946 on a north-up map: exterior counter-clockwise, holes clockwise
            Assert.True(Orientation.IsCCW(polygon.ExteriorRing.CoordinateSequence));
            Assert.All(polygon.InteriorRings, hole => Assert.False(Orientation.IsCCW(hole.CoordinateSequence)));
            // only corners: no vertex lies on a straight line between its neighbours
            var ring = polygon.ExteriorRing.Coordinates;
            for (int i = 1; i < ring.Length - 1; i++)
                Assert.NotEqual(OrientationIndex.Collinear, Orientation.Index(ring[i - 1], ring[i], ring[i + 1]));
        }
    }

    [Fact]
    public void ARegionWithHolesHasThemAsInteriorRingsAndIslandsInsideAreTheirOwnPolygons()
    {
        // class 1 frame around a class 0 hole that holds a class 2 island; background 0 outside
        const int width = 12, height = 10;
        var ids = new byte[width * height];
        for (int y = 1; y < 9; y++)
            for (int x = 1; x < 11; x++)
                ids[y * width + x] = (byte)(x is >= 3 and < 9 && y is >= 3 and < 7 ? (x is >= 5 and < 7 && y is >= 4 and < 6 ? 2 : 0) : 1);
        var features = Polygonizer.Polygonize(ids, width, height, transform: null, noData: null, classNames: ["bg", "frame", "island"]);

        Assert.Equal(4, features.Count);   // outer background, frame, inner background, island
        var frame = (Polygon)Assert.Single(features, f => f.ClassId == 1).Geometry;
        Assert.Equal(1, frame.NumInteriorRings);
        Assert.Equal(80 - 24, frame.Area);
        Assert.Equal(24, new Polygon((LinearRing)frame.InteriorRings[0]).Area);
        Assert.Equal("island", Assert.Single(features, f => f.ClassId == 2).ClassName);
        Assert.Equal(4, features.Single(f => f.ClassId == 2).Geometry.Area);
        var backgrounds = features.Where(f => f.ClassId == 0).Select(f => (Polygon)f.Geometry).OrderBy(p => p.Area).ToList();
        Assert.Equal([20.0, 120.0 - 80], backgrounds.Select(p => p.Area));
        Assert.Equal(1, backgrounds[0].NumInteriorRings);        // the inner background has the island as its hole
        Assert.Equal(1, backgrounds[1].NumInteriorRings);        // the outer one has the frame's outline as its hole
    }

    [Fact]
    public void SkippedClassesAndNodataLeaveNoPolygonButShapeTheirNeighbours()
    {
        var ids = Map("blobs", 7, 40, 30);
        var all = Polygonizer.Polygonize(ids, 40, 30, transform: null, noData: null);
        var kept = Polygonizer.Polygonize(ids, 40, 30, transform: null, noData: null, skipClasses: [0, 2]);
        Assert.All(kept, f => Assert.Contains(f.ClassId, new[] { 1, 3 }));
        Assert.Equal(all.Where(f => f.ClassId is 1 or 3).Select(f => f.Geometry.Area).Order(), kept.Select(f => f.Geometry.Area).Order());
    }

    [Fact]
    public void AMapTallerThanOneReadIsTracedAcrossTheReads()
    {
        // about 1M values are read at a time: 2100 columns make 499-row reads, so this map takes two
        const int width = 2100, height = 700;
        var ids = Map("blobs", 11, width, height);
        var features = Polygonizer.Polygonize(ids, width, height, transform: null, noData: null);
        Assert.Equal(FloodFill(ids, width, height).Count, features.Count);
        Assert.Equal((double)width * height, features.Sum(f => f.Geometry.Area));
    }

    /// <summary>4-connected components of equal, non-nodata values: the component of each pixel (-1 for nodata) and their count.</summary>
    private static (int[] Components, int Count) FloodFill(byte[] ids, int width, int height)
    {
        var component = new int[ids.Length];
        Array.Fill(component, -2);
        int count = 0;
        var stack = new Stack<int>();
        for (int start = 0; start < ids.Length; start++)
        {
            if (component[start] != -2) continue;
            if (ids[start] == NoData) { component[start] = -1; continue; }
            component[start] = count;
            stack.Push(start);
            while (stack.TryPop(out int p))
            {
                int x = p % width, y = p / width;
                foreach (var (nx, ny) in new[] { (x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1) })
                {
                    if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                    int n = ny * width + nx;
                    if (component[n] == -2 && ids[n] == ids[p]) { component[n] = count; stack.Push(n); }
                }
            }
            count++;
        }
        return (component, count);
    }
}
