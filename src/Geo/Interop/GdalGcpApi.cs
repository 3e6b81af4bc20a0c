using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>Ground control points (gdal.h: GDAL_GCP, GDALGetGCPs, GDALSetGCPs).</summary>
internal static unsafe partial class GdalGcpApi
{
    /// <summary>GDAL_GCP: id and info are UTF-8 C strings owned by whoever allocated the array.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Gcp
    {
        public IntPtr Id, Info;
        public double Pixel, Line, X, Y, Z;
    }

    [LibraryImport(GdalLibrary.Name)] public static partial int GDALGetGCPCount(IntPtr dataset);
    [LibraryImport(GdalLibrary.Name)] public static partial Gcp* GDALGetGCPs(IntPtr dataset);
    [LibraryImport(GdalLibrary.Name)] public static partial IntPtr GDALGetGCPProjection(IntPtr dataset);

    [LibraryImport(GdalLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GDALSetGCPs(IntPtr dataset, int count, Gcp* gcps, string? wkt);
}
