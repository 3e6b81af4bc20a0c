using NetTopologySuite.Geometries;

namespace GeoDense.Geo;

/// <summary>
/// A rotated rectangle in pixel coordinates (mmrotate "le90" convention): centre, width, height and angle in radians,
/// measured in image axes (x right, y down).
/// </summary>
public readonly record struct OrientedBox(double CenterX, double CenterY, double Width, double Height, double Angle)
{
    /// <summary>The four corners in order (x1 y1 .. x4 y4), as DOTA and mmrotate's obb2poly write them.</summary>
    public (double X, double Y)[] Corners()
    {
        double cos = Math.Cos(Angle), sin = Math.Sin(Angle);
        double wx = Width / 2 * cos, wy = Width / 2 * sin, hx = -Height / 2 * sin, hy = Height / 2 * cos;
        return
        [
            (CenterX - wx - hx, CenterY - wy - hy),
            (CenterX + wx - hx, CenterY + wy - hy),
            (CenterX + wx + hx, CenterY + wy + hy),
            (CenterX - wx + hx, CenterY - wy + hy),
        ];
    }

    /// <summary>The box as a polygon in map coordinates (pixel coordinates when <paramref name="transform"/> is null).</summary>
    public Polygon ToPolygon(GeoTransform? transform = null, GeometryFactory? factory = null) =>
        PolygonFromPixels(Corners(), transform, factory);

    /// <summary>A closed polygon from pixel-space vertices (e.g. a DOTA 8-number quadrilateral).</summary>
    public static Polygon PolygonFromPixels(IReadOnlyList<(double X, double Y)> vertices, GeoTransform? transform = null, GeometryFactory? factory = null)
    {
        factory ??= GeometryFactory.Default;
        var ring = new Coordinate[vertices.Count + 1];
        for (int i = 0; i < vertices.Count; i++)
        {
            var (x, y) = transform is { } t ? t.PixelToMap(vertices[i].X, vertices[i].Y) : vertices[i];
            ring[i] = new Coordinate(x, y);
        }
        ring[^1] = ring[0].Copy();
        return factory.CreatePolygon(ring);
    }
}
