using System.Buffers.Binary;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GeoDense.Geo;

/// <summary>
/// A feature's geometry as the vector writers take it: OGR's drivers read it as WKB, the GeoJSON writer streams its
/// coordinates. A traced polygon is never turned into NetTopologySuite objects or a JSON tree on the way out, so the
/// largest polygon of a mosaic (a background with tens of thousands of holes) costs only its own corner list.
/// </summary>
internal abstract class VectorGeometry
{
    /// <summary>The OGC type name, for messages.</summary>
    public abstract string Type { get; }

    /// <summary>Little-endian WKB.</summary>
    public abstract byte[] ToWkb();

    /// <summary>Writes the GeoJSON geometry object, flushing <paramref name="json"/> as it grows.</summary>
    public abstract void WriteGeoJson(Utf8JsonWriter json);

    protected static void WritePosition(Utf8JsonWriter json, double x, double y)
    {
        json.WriteStartArray();
        json.WriteNumberValue(x);
        json.WriteNumberValue(y);
        json.WriteEndArray();
        // a feature may hold millions of positions: the writer's buffer goes to the stream as it fills
        if (json.BytesPending > 1 << 16) json.Flush();
    }
}

/// <summary>A NetTopologySuite geometry (detections, change regions, anything built in memory).</summary>
internal sealed class NtsGeometry(Geometry geometry) : VectorGeometry
{
    public override string Type => geometry.GeometryType;

    public override byte[] ToWkb() => new WKBWriter(ByteOrder.LittleEndian).Write(geometry);

    public override void WriteGeoJson(Utf8JsonWriter json) => Write(json, geometry);

    private static void Write(Utf8JsonWriter json, Geometry g)
    {
        json.WriteStartObject();
        json.WriteString("type", g.GeometryType);
        if (g is GeometryCollection and not (MultiPoint or MultiLineString or MultiPolygon))
        {
            json.WriteStartArray("geometries");
            foreach (var part in ((GeometryCollection)g).Geometries) Write(json, part);
            json.WriteEndArray();
        }
        else
        {
            json.WritePropertyName("coordinates");
            Coordinates(json, g);
        }
        json.WriteEndObject();
    }

    private static void Coordinates(Utf8JsonWriter json, Geometry g)
    {
        if (g is Point point)
        {
            WritePosition(json, point.X, point.Y);
            return;
        }
        json.WriteStartArray();
        switch (g)
        {
            case LineString line:
                foreach (var c in line.Coordinates) WritePosition(json, c.X, c.Y);
                break;
            case Polygon polygon:
                Coordinates(json, polygon.ExteriorRing);
                foreach (var hole in polygon.InteriorRings) Coordinates(json, hole);
                break;
            case GeometryCollection multi:
                foreach (var part in multi.Geometries) Coordinates(json, part);
                break;
            default:
                throw new ArgumentException($"Cannot write a {g.GeometryType} as GeoJSON.");
        }
        json.WriteEndArray();
    }
}

/// <summary>
/// A region the <see cref="RegionTracer"/> finished, in pixel corners, placed on the map by a geotransform. Rings are
/// reversed when the transform does not mirror (pixel space, south-up) so exteriors stay counter-clockwise on the map.
/// </summary>
internal sealed class TracedPolygon(TracedRegion region, GeoTransform transform) : VectorGeometry
{
    private readonly bool reverse = transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation > 0;

    public override string Type => "Polygon";

    private IEnumerable<long[]> Rings => region.Holes.Prepend(region.Exterior);

    public override byte[] ToWkb()
    {
        long size = 9 + Rings.Sum(r => 4 + 16L * (r.Length + 1));
        var wkb = new byte[checked((int)size)];
        wkb[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(wkb.AsSpan(1), 3);
        BinaryPrimitives.WriteInt32LittleEndian(wkb.AsSpan(5), region.Holes.Count + 1);
        int at = 9;
        foreach (var ring in Rings)
        {
            BinaryPrimitives.WriteInt32LittleEndian(wkb.AsSpan(at), ring.Length + 1);
            at += 4;
            ForEachPosition(ring, (x, y) =>
            {
                BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(at), x);
                BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(at + 8), y);
                at += 16;
            });
        }
        return wkb;
    }

    public override void WriteGeoJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "Polygon");
        json.WriteStartArray("coordinates");
        foreach (var ring in Rings)
        {
            json.WriteStartArray();
            ForEachPosition(ring, (x, y) => WritePosition(json, x, y));
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public Polygon ToPolygon(GeometryFactory factory)
    {
        LinearRing Ring(long[] ring)
        {
            var coordinates = new Coordinate[ring.Length + 1];
            int i = 0;
            ForEachPosition(ring, (x, y) => coordinates[i++] = new Coordinate(x, y));
            return factory.CreateLinearRing(coordinates);
        }
        return factory.CreatePolygon(Ring(region.Exterior), region.Holes.Select(Ring).ToArray());
    }

    /// <summary>The ring's map positions in order, closed (the first repeated last).</summary>
    private void ForEachPosition(long[] ring, Action<double, double> visit)
    {
        for (int i = 0; i <= ring.Length; i++)
        {
            var corner = ring[reverse ? (ring.Length - i) % ring.Length : i % ring.Length];
            var (x, y) = transform.PixelToMap(RegionTracer.X(corner), RegionTracer.Y(corner));
            visit(x, y);
        }
    }
}
