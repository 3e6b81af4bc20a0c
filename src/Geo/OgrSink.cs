using GeoDense.Geo.Interop;
using GeoDense.IO;
using static GeoDense.Geo.Interop.OgrApi;

namespace GeoDense.Geo;

/// <summary>
/// A GeoPackage or shapefile written through OGR, in one transaction. A shapefile is several files: they are written
/// into a temporary folder and moved out one by one at <see cref="Commit"/>, the .shp last.
/// </summary>
internal sealed unsafe class OgrSink : VectorSink
{
    private readonly string finalPath;
    private readonly AtomicFile staging;
    private readonly string datasetPath;
    private IntPtr dataset;
    private readonly IntPtr layer, definition;
    private readonly int classField, nameField, scoreField, areaField;
    private readonly bool transaction;

    public OgrSink(string path, VectorFormat format, VectorFields fields, SpatialReference? crs, string layerName)
    {
        finalPath = path;
        bool shapefile = format == VectorFormat.Shapefile;
        staging = shapefile ? AtomicFile.Begin(path) : VsiFileSystem.Begin(path);
        try
        {
            datasetPath = shapefile
                ? System.IO.Path.Combine(Directory.CreateDirectory(staging.TemporaryPath).FullName, System.IO.Path.GetFileName(path))
                : staging.TemporaryPath;
            var driver = RasterWriter.Driver(shapefile ? "ESRI Shapefile" : "GPKG");
            GdalLibrary.ClearError();
            dataset = GdalRasterApi.GDALCreate(driver, datasetPath, 0, 0, 0, 0, IntPtr.Zero);
            if (dataset == IntPtr.Zero) throw new GdalException($"Cannot create '{path}': {GdalLibrary.TakeError()}");
            using var srs = crs is null ? null : OsrHandle.Create(crs.Wkt);
            // shapefiles hold one geometry type; GeoPackage takes any
            var geometryType = shapefile && fields.PolygonsOnly ? WkbPolygon : WkbUnknown;
            layer = GDALDatasetCreateLayer(dataset, layerName, srs?.Handle ?? IntPtr.Zero, geometryType, IntPtr.Zero);
            if (layer == IntPtr.Zero) throw new GdalException($"Cannot create layer '{layerName}' in '{path}': {GdalLibrary.TakeError()}");
            classField = AddField("class", FieldInteger);
            nameField = fields.ClassName ? AddField("class_name", FieldString) : -1;
            scoreField = fields.Score ? AddField("score", FieldReal) : -1;
            areaField = fields.Area ? AddField("area", FieldReal) : -1;
            transaction = GDALDatasetStartTransaction(dataset, 0) == 0;
            definition = OGR_L_GetLayerDefn(layer);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override void Add(in VectorRow f)
    {
        var feature = OGR_F_Create(definition);
        try
        {
            OGR_F_SetFieldInteger(feature, classField, f.ClassId);
            if (nameField >= 0 && f.ClassName is not null) OGR_F_SetFieldString(feature, nameField, f.ClassName);
            if (scoreField >= 0 && f.Score is { } score) OGR_F_SetFieldDouble(feature, scoreField, score);
            if (areaField >= 0 && f.Area is { } area) OGR_F_SetFieldDouble(feature, areaField, area);
            var wkb = f.Geometry.ToWkb();
            IntPtr geometry;
            fixed (byte* buffer = wkb)
                if (OGR_G_CreateFromWkb(buffer, IntPtr.Zero, &geometry, wkb.Length) != 0)
                    throw new ArgumentException($"Feature of class {f.ClassId} has a geometry OGR cannot read ({f.Geometry.Type}).");
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

    public override void Commit()
    {
        if (transaction && GDALDatasetCommitTransaction(dataset) != 0)
            throw new GdalException($"Cannot commit features to '{finalPath}': {GdalLibrary.TakeError()}");
        // GDAL 3.6's close reports failures only to the error handler
        GdalLibrary.ClearError();
        GdalRasterApi.GDALClose(dataset);
        dataset = IntPtr.Zero;
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot finish writing '{finalPath}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
        if (datasetPath == staging.TemporaryPath)
        {
            staging.Commit();
            return;
        }
        // the folder is never committed as a whole (disposing it removes what is left); the .shp moves last: once it
        // is at the final path, its companions (.shx, .dbf, .prj, .cpg) already are
        var directory = System.IO.Path.GetDirectoryName(staging.FinalPath)!;
        foreach (var file in new DirectoryInfo(staging.TemporaryPath).GetFiles().OrderBy(f => f.Extension.Equals(".shp", StringComparison.OrdinalIgnoreCase)))
            file.MoveTo(System.IO.Path.Combine(directory, file.Name), overwrite: true);
    }

    public override void Dispose()
    {
        if (dataset != IntPtr.Zero) GdalRasterApi.GDALClose(dataset);
        dataset = IntPtr.Zero;
        staging.Dispose();
    }

    private int AddField(string name, int type)
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
