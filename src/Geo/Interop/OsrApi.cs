using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>OGR spatial reference and coordinate transformation entry points (ogr_srs_api.h).</summary>
internal static unsafe partial class OsrApi
{
    private const string Lib = GdalLibrary.Name;

    /// <summary>x = easting/longitude, y = northing/latitude whatever the authority says.</summary>
    public const int TraditionalGisOrder = 0;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OSRNewSpatialReference(string? wkt);
    [LibraryImport(Lib)] public static partial void OSRDestroySpatialReference(IntPtr srs);
    [LibraryImport(Lib)] public static partial void OSRRelease(IntPtr srs);
    [LibraryImport(Lib)] public static partial int OSRImportFromEPSG(IntPtr srs, int code);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int OSRSetFromUserInput(IntPtr srs, string definition);
    [LibraryImport(Lib)] public static partial int OSRExportToWkt(IntPtr srs, IntPtr* wkt);
    [LibraryImport(Lib)] public static partial IntPtr OSRGetAuthorityName(IntPtr srs, IntPtr targetKey);
    [LibraryImport(Lib)] public static partial IntPtr OSRGetAuthorityCode(IntPtr srs, IntPtr targetKey);
    [LibraryImport(Lib)] public static partial int OSRAutoIdentifyEPSG(IntPtr srs);
    [LibraryImport(Lib)] public static partial IntPtr OSRGetName(IntPtr srs);
    [LibraryImport(Lib)] public static partial int OSRIsGeographic(IntPtr srs);
    [LibraryImport(Lib)] public static partial int OSRIsSame(IntPtr a, IntPtr b);
    [LibraryImport(Lib)] public static partial void OSRSetAxisMappingStrategy(IntPtr srs, int strategy);
    [LibraryImport(Lib)] public static partial IntPtr OCTNewCoordinateTransformation(IntPtr source, IntPtr target);
    [LibraryImport(Lib)] public static partial void OCTDestroyCoordinateTransformation(IntPtr transform);
    [LibraryImport(Lib)] public static partial int OCTTransformEx(IntPtr transform, int count, double* x, double* y, double* z, int* success);
}
