using GeoDense.Geo.Interop;
using GeoDense.IO;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using static GeoDense.Geo.Interop.OgrApi;

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

/// <summary>A feature as the writer takes it: geometry as little-endian WKB.</summary>
internal readonly record struct VectorRow(byte[] Wkb, string GeometryType, int ClassId, string? ClassName, double? Score = null, double? Area = null);

/// <summary>
/// Writes features with attributes (class, class_name, score, area) through OGR, in the given CRS. Files are written under a
/// temporary name (a temporary folder for the several files of a shapefile) and moved into place when complete.
/// </summary>
public static unsafe class VectorWriter
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
        var wkbWriter = new WKBWriter(ByteOrder.LittleEndian);
        Write(path, features.Select(f => new VectorRow(wkbWriter.Write(f.Geometry), f.Geometry.GeometryType, f.ClassId, f.ClassName, f.Score, f.Area)), fields, crs, format, layerName);
    }

    /// <summary>
    /// Writes rows whose geometry is WKB already (the polygoniser's, straight from OGR): no NetTopologySuite copy of a
    /// polygon with hundreds of thousands of vertices is made on the way.
    /// </summary>
    internal static void Write(string path, IEnumerable<VectorRow> features, VectorFields fields, SpatialReference? crs, VectorFormat? format,
        string? layerName)
    {
        var kind = format ?? FormatOf(path);
        // A shapefile's layer name is its file name.
        if (layerName is null || kind == VectorFormat.Shapefile) layerName = System.IO.Path.GetFileNameWithoutExtension(path);
        if (kind != VectorFormat.Shapefile)
        {
            using var output = VsiFileSystem.Begin(path);
            WriteDataset(output.TemporaryPath, path, kind, features, fields, crs, layerName);
            output.Commit();
            return;
        }
        // A shapefile is several files: they are written into a temporary folder and moved out one by one, so the
        // folder is never committed as a whole; disposing it removes what is left.
        using var staging = AtomicFile.Begin(path);
        var folder = Directory.CreateDirectory(staging.TemporaryPath);
        WriteDataset(System.IO.Path.Combine(folder.FullName, System.IO.Path.GetFileName(path)), path, kind, features, fields, crs, layerName);
        // The .shp moves last: once it is at the final path, its companions (.shx, .dbf, .prj, .cpg) already are.
        var directory = System.IO.Path.GetDirectoryName(staging.FinalPath)!;
        foreach (var file in folder.GetFiles().OrderBy(f => f.Extension.Equals(".shp", StringComparison.OrdinalIgnoreCase)))
            file.MoveTo(System.IO.Path.Combine(directory, file.Name), overwrite: true);
    }

    /// <param name="path">Where GDAL writes (the temporary name).</param>
    /// <param name="finalPath">The name the user asked for, used in messages.</param>
    private static void WriteDataset(string path, string finalPath, VectorFormat format, IEnumerable<VectorRow> features, VectorFields fields,
        SpatialReference? crs, string layerName)
    {
        var driver = RasterWriter.Driver(format switch
        {
            VectorFormat.GeoJson => "GeoJSON", VectorFormat.GeoPackage => "GPKG", _ => "ESRI Shapefile",
        });
        GdalLibrary.ClearError();
        var dataset = GdalRasterApi.GDALCreate(driver, path, 0, 0, 0, 0, IntPtr.Zero);
        if (dataset == IntPtr.Zero) throw new GdalException($"Cannot create '{finalPath}': {GdalLibrary.TakeError()}");
        try
        {
            using var srs = crs is null ? null : OsrHandle.Create(crs.Wkt);
            // Shapefiles hold one geometry type; the other formats take any.
            var geometryType = format == VectorFormat.Shapefile && fields.PolygonsOnly ? WkbPolygon : WkbUnknown;
            var layer = GDALDatasetCreateLayer(dataset, layerName, srs?.Handle ?? IntPtr.Zero, geometryType, IntPtr.Zero);
            if (layer == IntPtr.Zero) throw new GdalException($"Cannot create layer '{layerName}' in '{finalPath}': {GdalLibrary.TakeError()}");
            int classField = AddField(layer, "class", FieldInteger);
            int nameField = fields.ClassName ? AddField(layer, "class_name", FieldString) : -1;
            int scoreField = fields.Score ? AddField(layer, "score", FieldReal) : -1;
            int areaField = fields.Area ? AddField(layer, "area", FieldReal) : -1;

            bool transaction = GDALDatasetStartTransaction(dataset, 0) == 0;
            var definition = OGR_L_GetLayerDefn(layer);
            foreach (var f in features)
            {
                var feature = OGR_F_Create(definition);
                try
                {
                    OGR_F_SetFieldInteger(feature, classField, f.ClassId);
                    if (nameField >= 0 && f.ClassName is not null) OGR_F_SetFieldString(feature, nameField, f.ClassName);
                    if (scoreField >= 0 && f.Score is { } score) OGR_F_SetFieldDouble(feature, scoreField, score);
                    if (areaField >= 0 && f.Area is { } area) OGR_F_SetFieldDouble(feature, areaField, area);
                    var wkb = f.Wkb;
                    IntPtr geometry;
                    fixed (byte* buffer = wkb)
                        if (OGR_G_CreateFromWkb(buffer, IntPtr.Zero, &geometry, wkb.Length) != 0)
                            throw new ArgumentException($"Feature of class {f.ClassId} has a geometry OGR cannot read ({f.GeometryType}).");
                    OGR_F_SetGeometryDirectly(feature, geometry);
                    GdalLibrary.ClearError();
                    if (OGR_L_CreateFeature(layer, feature) != 0)
                        throw new GdalException($"Cannot write a feature to '{finalPath}': {GdalLibrary.TakeError()}");
                }
                finally
                {
                    OGR_F_Destroy(feature);
                }
            }
            if (transaction && GDALDatasetCommitTransaction(dataset) != 0)
                throw new GdalException($"Cannot commit features to '{finalPath}': {GdalLibrary.TakeError()}");
        }
        catch
        {
            GdalRasterApi.GDALClose(dataset);
            throw;
        }
        // Drivers such as GeoJSON write on close, and GDAL 3.6's close reports failures only to the error handler.
        GdalLibrary.ClearError();
        GdalRasterApi.GDALClose(dataset);
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot finish writing '{finalPath}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
    }

    private static int AddField(IntPtr layer, string name, int type)
    {
        var field = OGR_Fld_Create(name, type);
        try
        {
            if (OGR_L_CreateField(layer, field, 1) != 0) throw new GdalException($"Cannot add field '{name}': {GdalLibrary.TakeError()}");
        }
        finally
        {
            OGR_Fld_Destroy(field);
        }
        return OGR_L_FindFieldIndex(layer, name, 1);
    }
}
