using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>OGR vector layer, feature and geometry entry points (ogr_api.h) that the GeoPackage and shapefile writer needs.</summary>
internal static unsafe partial class OgrApi
{
    private const string Lib = GdalLibrary.Name;

    public const int WkbPolygon = 3, WkbUnknown = 0;
    public const int FieldInteger = 0, FieldReal = 2, FieldString = 4;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALDatasetCreateLayer(IntPtr dataset, string name, IntPtr srs, int geometryType, IntPtr options);
    [LibraryImport(Lib)] public static partial int GDALDatasetStartTransaction(IntPtr dataset, int force);
    [LibraryImport(Lib)] public static partial int GDALDatasetCommitTransaction(IntPtr dataset);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OGR_Fld_Create(string name, int type);
    [LibraryImport(Lib)] public static partial void OGR_Fld_Destroy(IntPtr field);
    [LibraryImport(Lib)] public static partial int OGR_L_CreateField(IntPtr layer, IntPtr field, int approxOk);
    [LibraryImport(Lib)] public static partial IntPtr OGR_L_GetLayerDefn(IntPtr layer);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int OGR_L_FindFieldIndex(IntPtr layer, string name, int exactMatch);
    [LibraryImport(Lib)] public static partial int OGR_L_CreateFeature(IntPtr layer, IntPtr feature);
    [LibraryImport(Lib)] public static partial IntPtr OGR_F_Create(IntPtr definition);
    [LibraryImport(Lib)] public static partial void OGR_F_Destroy(IntPtr feature);
    [LibraryImport(Lib)] public static partial void OGR_F_SetFieldInteger(IntPtr feature, int index, int value);
    [LibraryImport(Lib)] public static partial void OGR_F_SetFieldDouble(IntPtr feature, int index, double value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void OGR_F_SetFieldString(IntPtr feature, int index, string value);
    [LibraryImport(Lib)] public static partial int OGR_F_SetGeometryDirectly(IntPtr feature, IntPtr geometry);
    [LibraryImport(Lib)] public static partial int OGR_G_CreateFromWkb(byte* wkb, IntPtr srs, IntPtr* geometry, int byteCount);
}
