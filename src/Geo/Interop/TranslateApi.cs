using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>The gdal_translate library entry point (gdal_utils.h); with "-of VRT -srcwin" it yields a lazy window of a raster.</summary>
internal static unsafe partial class TranslateApi
{
    private const string Lib = GdalLibrary.Name;

    [LibraryImport(Lib)] public static partial IntPtr GDALTranslateOptionsNew(IntPtr argv, IntPtr optionsForBinary);
    [LibraryImport(Lib)] public static partial void GDALTranslateOptionsFree(IntPtr options);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALTranslate(string destination, IntPtr source, IntPtr options, int* usageError);
}
