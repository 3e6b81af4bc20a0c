using GeoDense.Geo.Interop;
using NetTopologySuite.IO;
using static GeoDense.Geo.Interop.OgrApi;

namespace GeoDense.Geo;

/// <summary>Turns class maps into polygons with GDALPolygonize (one polygon per connected region of one class).</summary>
public static unsafe class Polygonizer
{
    /// <summary>
    /// Polygonises band <paramref name="band"/> of a class raster. Nodata pixels and classes in
    /// <paramref name="skipClasses"/> (e.g. background) produce no polygon. Coordinates are in the raster's CRS.
    /// Every polygon is held in memory: for a mosaic's class map use <see cref="PolygonizeTo"/>.
    /// </summary>
    public static List<VectorFeature> Polygonize(Raster classRaster, int band = 1, IReadOnlyCollection<int>? skipClasses = null,
        IReadOnlyList<string>? classNames = null, bool eightConnected = false)
    {
        var store = CreateStore("Memory", "polygons");
        try
        {
            return Features(PolygonizeInto(store, classRaster, band, eightConnected, []), skipClasses, classNames).ToList();
        }
        finally
        {
            GdalRasterApi.GDALClose(store);
        }
    }

    /// <summary>
    /// Polygonises like <see cref="Polygonize(Raster, int, IReadOnlyCollection{int}?, IReadOnlyList{string}?, bool)"/> and
    /// writes the polygons to every one of <paramref name="outputs"/> (as <see cref="VectorWriter"/> does) without ever
    /// holding them all: GDAL hands each finished polygon to a temporary FlatGeobuf beside the first output (no spatial
    /// index, so it is written as it comes), which is then read back one feature at a time per output. Memory does not
    /// grow with the number of polygons, i.e. with the mosaic's area; the files equal those of writing the in-memory list.
    /// </summary>
    public static void PolygonizeTo(Raster classRaster, IReadOnlyList<(string Path, VectorFormat Format)> outputs, string layerName,
        int band = 1, IReadOnlyCollection<int>? skipClasses = null, IReadOnlyList<string>? classNames = null, bool eightConnected = false)
    {
        if (outputs.Count == 0) return;
        // hidden and unique in the output folder, deleted when done (a killed run's is swept by AtomicFile.DeleteAbandoned)
        using var scratch = VsiFileSystem.Begin(System.IO.Path.ChangeExtension(outputs[0].Path, ".polygons.fgb"));
        var store = CreateStore("FlatGeobuf", scratch.TemporaryPath);
        long count;
        try
        {
            count = OGR_L_GetFeatureCount(PolygonizeInto(store, classRaster, band, eightConnected, ["SPATIAL_INDEX=NO"]), 1);
        }
        finally
        {
            CloseWritten(store, outputs[0].Path);
        }
        if (count == 0)
        {
            // GDAL 3.6 cannot reopen a FlatGeobuf without features; an all-nodata map has none to write
            foreach (var (path, format) in outputs)
                VectorWriter.Write(path, Enumerable.Empty<VectorRow>(), VectorFields.Of([]), classRaster.SpatialReference, format, layerName);
            return;
        }

        GdalLibrary.ClearError();
        var polygons = GdalRasterApi.GDALOpenEx(scratch.TemporaryPath, GdalRasterApi.OpenVector | GdalRasterApi.OpenReadOnly, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (polygons == IntPtr.Zero) throw new GdalException($"Cannot read back the polygons of '{classRaster.Path}': {GdalLibrary.TakeError()}");
        try
        {
            var layer = GDALDatasetGetLayer(polygons, 0);
            // the schema the in-memory list would give: a class_name column only when some polygon has a name
            var fields = new VectorFields(ClassName: Rows(layer, skipClasses, classNames).Any(r => r.ClassName is not null),
                Score: false, Area: false, PolygonsOnly: true);
            // WKB straight from OGR to OGR: the largest polygon (its outline grows with the mosaic) is not copied into
            // NetTopologySuite objects on the way
            foreach (var (path, format) in outputs)
                VectorWriter.Write(path, Rows(layer, skipClasses, classNames), fields, classRaster.SpatialReference, format, layerName);
        }
        finally
        {
            GdalRasterApi.GDALClose(polygons);
        }
    }

    private static IntPtr CreateStore(string driver, string path)
    {
        GdalLibrary.ClearError();
        var store = GdalRasterApi.GDALCreate(RasterWriter.Driver(driver), path, 0, 0, 0, 0, IntPtr.Zero);
        return store != IntPtr.Zero ? store : throw new GdalException($"Cannot create a {driver} vector store for polygons: {GdalLibrary.TakeError()}");
    }

    /// <summary>GDAL 3.6 reports a failed write at close only to the error handler.</summary>
    private static void CloseWritten(IntPtr store, string besidePath)
    {
        GdalLibrary.ClearError();
        GdalRasterApi.GDALClose(store);
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot write the polygons for '{besidePath}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
    }

    /// <summary>Runs GDALPolygonize into a new layer "polygons" (field "class") of <paramref name="store"/>; returns the layer.</summary>
    private static IntPtr PolygonizeInto(IntPtr store, Raster classRaster, int band, bool eightConnected, IReadOnlyList<string> layerOptions)
    {
        var crs = classRaster.SpatialReference;
        using var srs = crs is null ? null : OsrHandle.Create(crs.Wkt);
        using var creation = new CStringList(layerOptions);
        GdalLibrary.ClearError();
        var layer = GDALDatasetCreateLayer(store, "polygons", srs?.Handle ?? IntPtr.Zero, WkbPolygon, creation.Handle);
        if (layer == IntPtr.Zero) throw new GdalException($"Cannot create a polygon layer: {GdalLibrary.TakeError()}");
        var field = OGR_Fld_Create("class", FieldInteger);
        OGR_L_CreateField(layer, field, 1);
        OGR_Fld_Destroy(field);

        var source = classRaster.BandHandle(band);
        var mask = classRaster.Band(band).NoData is null ? IntPtr.Zero : GdalRasterApi.GDALGetMaskBand(source);
        using var options = new CStringList(eightConnected ? ["8CONNECTED=8"] : []);
        GdalLibrary.ClearError();
        if (GDALPolygonize(source, mask, layer, 0, options.Handle, IntPtr.Zero, IntPtr.Zero) >= (int)CplErr.Failure)
            throw new RasterInputException(classRaster.Path, $"Polygonising '{classRaster.Path}' failed: {GdalLibrary.TakeError()}");
        return layer;
    }

    /// <summary>Polygonises an in-memory class map (rows x columns) placed by <paramref name="transform"/> (pixel space when null).</summary>
    public static List<VectorFeature> Polygonize(ReadOnlySpan<byte> classIds, int width, int height, GeoTransform? transform,
        SpatialReference? crs = null, byte? noData = 255, IReadOnlyCollection<int>? skipClasses = null,
        IReadOnlyList<string>? classNames = null, bool eightConnected = false)
    {
        using var raster = Raster.CreateInMemory(new RasterSpec(width, height, 1, RasterDataType.Byte, transform, crs, noData));
        raster.Write(PixelWindow.Full(width, height), [1], classIds);
        return Polygonize(raster, 1, skipClasses, classNames, eightConnected);
    }

    /// <summary>The layer's features from its start, converted to NetTopologySuite geometries.</summary>
    private static IEnumerable<VectorFeature> Features(IntPtr layer, IReadOnlyCollection<int>? skipClasses, IReadOnlyList<string>? classNames)
    {
        var reader = new WKBReader();
        return Rows(layer, skipClasses, classNames).Select(r => new VectorFeature(reader.Read(r.Wkb), r.ClassId, r.ClassName));
    }

    /// <summary>The layer's features from its start, one at a time, as WKB (each OGR feature freed once exported).</summary>
    private static IEnumerable<VectorRow> Rows(IntPtr layer, IReadOnlyCollection<int>? skipClasses, IReadOnlyList<string>? classNames)
    {
        OGR_L_ResetReading(layer);
        while (true)
        {
            var feature = OGR_L_GetNextFeature(layer);
            if (feature == IntPtr.Zero) yield break;
            VectorRow? row;
            try
            {
                row = Export(feature, skipClasses, classNames);
            }
            finally
            {
                OGR_F_Destroy(feature);
            }
            if (row is { } kept) yield return kept;
        }
    }

    private static VectorRow? Export(IntPtr feature, IReadOnlyCollection<int>? skipClasses, IReadOnlyList<string>? classNames)
    {
        int classId = OGR_F_GetFieldAsInteger(feature, 0);
        if (skipClasses?.Contains(classId) == true) return null;
        var geometry = OGR_F_GetGeometryRef(feature);
        var wkb = new byte[OGR_G_WkbSize(geometry)];
        fixed (byte* buffer = wkb) OGR_G_ExportToWkb(geometry, ByteOrderLittleEndian, buffer);
        var name = classNames is not null && classId >= 0 && classId < classNames.Count ? classNames[classId] : null;
        return new VectorRow(wkb, "Polygon", classId, name);
    }
}
