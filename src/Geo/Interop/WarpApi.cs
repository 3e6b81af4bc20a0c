using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>The gdalwarp library entry point (gdal_utils.h); with "-of VRT" it yields a lazily warped dataset.</summary>
internal static unsafe partial class WarpApi
{
    private const string Lib = GdalLibrary.Name;

    [LibraryImport(Lib)] public static partial IntPtr GDALWarpAppOptionsNew(IntPtr argv, IntPtr optionsForBinary);
    [LibraryImport(Lib)] public static partial void GDALWarpAppOptionsFree(IntPtr options);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALWarp(string destination, IntPtr destinationDataset, int sourceCount, IntPtr* sources, IntPtr options, int* usageError);
}
