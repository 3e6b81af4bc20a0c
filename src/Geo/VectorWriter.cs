using NetTopologySuite.Geometries;

namespace GeoDense.Geo;

public enum VectorFormat { GeoJson, GeoPackage, Shapefile }

/// <summary>
/// The optional attributes of a stream of features and whether all are (multi)polygons: declared up front, since a
/// stream cannot be looked over before it is written.
/// </summary>
public sealed record VectorFields(bool ClassName, bool Score, bool Area, bool PolygonsOnly)
{
    public static VectorFields Of(IReadOnlyCollection<VectorFeature> features) => new(
        features.Any(f => f.ClassName is not null), features.Any(f => f.Score is not null), features.Any(f => f.Area is not null),
        features.All(f => f.Geometry is Polygon or MultiPolygon));
}

/// <summary>A feature as the writers take it.</summary>
internal readonly record struct VectorRow(VectorGeometry Geometry, int ClassId, string? ClassName, double? Score = null, double? Area = null);

/// <summary>
/// Writes features with attributes (class, class_name, score, area) in the given CRS: GeoJSON by <see cref="GeoJsonSink"/>,
/// GeoPackage and shapefiles through OGR (<see cref="OgrSink"/>). Files are written under a temporary name and moved
/// into place when complete.
/// </summary>
public static class VectorWriter
{
    public static VectorFormat FormatOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".geojson" or ".json" => VectorFormat.GeoJson,
        ".gpkg" => VectorFormat.GeoPackage,
        ".shp" => VectorFormat.Shapefile,
        var other => throw new ArgumentException($"Cannot tell the vector format of '{path}' from '{other}': use .geojson, .gpkg or .shp."),
    };

    public static void Write(string path, IReadOnlyCollection<VectorFeature> features, SpatialReference? crs, VectorFormat? format = null, string? layerName = null) =>
        Write(path, features, VectorFields.Of(features), crs, format, layerName);

    /// <summary>Writes a stream of features, enumerated once, with the attributes <paramref name="fields"/> declares.</summary>
    public static void Write(string path, IEnumerable<VectorFeature> features, VectorFields fields, SpatialReference? crs, VectorFormat? format = null,
        string? layerName = null)
    {
        using var sink = Open(path, fields, crs, format, layerName);
        foreach (var f in features) sink.Add(new VectorRow(new NtsGeometry(f.Geometry), f.ClassId, f.ClassName, f.Score, f.Area));
        sink.Commit();
    }

    /// <summary>
    /// An output that takes features one at a time (several can be open at once, so one pass of a producer feeds every
    /// format). Disposing it without <see cref="VectorSink.Commit"/> leaves nothing at <paramref name="path"/>.
    /// </summary>
    internal static VectorSink Open(string path, VectorFields fields, SpatialReference? crs, VectorFormat? format, string? layerName)
    {
        var kind = format ?? FormatOf(path);
        // a shapefile's layer name is its file name
        if (layerName is null || kind == VectorFormat.Shapefile) layerName = System.IO.Path.GetFileNameWithoutExtension(path);
        return kind == VectorFormat.GeoJson ? new GeoJsonSink(path, fields, crs, layerName) : new OgrSink(path, kind, fields, crs, layerName);
    }
}

/// <summary>One vector output being written.</summary>
internal abstract class VectorSink : IDisposable
{
    public abstract void Add(in VectorRow feature);

    /// <summary>Finishes the file and moves it onto its final path.</summary>
    public abstract void Commit();

    public abstract void Dispose();
}
