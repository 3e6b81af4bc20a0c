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
    /// </summary>
    public static List<VectorFeature> Polygonize(Raster classRaster, int band = 1, IReadOnlyCollection<int>? skipClasses = null,
        IReadOnlyList<string>? classNames = null, bool eightConnected = false)
    {
        var memoryDriver = RasterWriter.Driver("Memory");
        GdalLibrary.ClearError();
        var store = GdalRasterApi.GDALCreate(memoryDriver, "polygons", 0, 0, 0, 0, IntPtr.Zero);
        if (store == IntPtr.Zero) throw new GdalException($"Cannot create an in-memory vector store: {GdalLibrary.TakeError()}");
        try
        {
            var crs = classRaster.SpatialReference;
            using var srs = crs is null ? null : OsrHandle.Create(crs.Wkt);
            var layer = GDALDatasetCreateLayer(store, "polygons", srs?.Handle ?? IntPtr.Zero, WkbPolygon, IntPtr.Zero);
            var field = OGR_Fld_Create("class", FieldInteger);
            OGR_L_CreateField(layer, field, 1);
            OGR_Fld_Destroy(field);

            var source = classRaster.BandHandle(band);
            var mask = classRaster.Band(band).NoData is null ? IntPtr.Zero : GdalRasterApi.GDALGetMaskBand(source);
            using var options = new CStringList(eightConnected ? ["8CONNECTED=8"] : []);
            GdalLibrary.ClearError();
            if (GDALPolygonize(source, mask, layer, 0, options.Handle, IntPtr.Zero, IntPtr.Zero) >= (int)CplErr.Failure)
                throw new RasterInputException(classRaster.Path, $"Polygonising '{classRaster.Path}' failed: {GdalLibrary.TakeError()}");
            return ReadFeatures(layer, skipClasses, classNames);
        }
        finally
        {
            GdalRasterApi.GDALClose(store);
        }
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

    private static List<VectorFeature> ReadFeatures(IntPtr layer, IReadOnlyCollection<int>? skipClasses, IReadOnlyList<string>? classNames)
    {
        var reader = new WKBReader();
        var features = new List<VectorFeature>();
        OGR_L_ResetReading(layer);
        IntPtr feature;
        while ((feature = OGR_L_GetNextFeature(layer)) != IntPtr.Zero)
        {
            try
            {
                int classId = OGR_F_GetFieldAsInteger(feature, 0);
                if (skipClasses?.Contains(classId) == true) continue;
                var geometry = OGR_F_GetGeometryRef(feature);
                var wkb = new byte[OGR_G_WkbSize(geometry)];
                fixed (byte* buffer = wkb) OGR_G_ExportToWkb(geometry, ByteOrderLittleEndian, buffer);
                var name = classNames is not null && classId >= 0 && classId < classNames.Count ? classNames[classId] : null;
                features.Add(new VectorFeature(reader.Read(wkb), classId, name));
            }
            finally
            {
                OGR_F_Destroy(feature);
            }
        }
        return features;
    }
}
