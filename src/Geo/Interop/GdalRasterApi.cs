using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>GDAL dataset and band entry points (gdal.h).</summary>
internal static unsafe partial class GdalRasterApi
{
    private const string Lib = GdalLibrary.Name;

    public const uint OpenReadOnly = 0x00, OpenUpdate = 0x01, OpenRaster = 0x02, OpenVector = 0x04, OpenVerboseError = 0x40;
    public const int MaskAllValid = 0x01;

    [StructLayout(LayoutKind.Sequential)]
    public struct RasterIOExtraArg
    {
        public int Version;
        public int ResampleAlg;
        public IntPtr Progress;
        public IntPtr ProgressData;
        public int FloatingPointWindowValidity;
        public double XOff, YOff, XSize, YSize;

        public static RasterIOExtraArg Create(int resampleAlg) => new() { Version = 1, ResampleAlg = resampleAlg };
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ColorEntry { public short C1, C2, C3, C4; }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALOpenEx(string path, uint flags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);
    [LibraryImport(Lib)] public static partial void GDALClose(IntPtr dataset);
    [LibraryImport(Lib)] public static partial void GDALFlushCache(IntPtr dataset);
    [LibraryImport(Lib)] public static partial int GDALGetRasterXSize(IntPtr dataset);
    [LibraryImport(Lib)] public static partial int GDALGetRasterYSize(IntPtr dataset);
    [LibraryImport(Lib)] public static partial int GDALGetRasterCount(IntPtr dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDatasetDriver(IntPtr dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDriverShortName(IntPtr driver);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr GDALGetDriverByName(string name);
    [LibraryImport(Lib)] public static partial int GDALGetGeoTransform(IntPtr dataset, double* transform);
    [LibraryImport(Lib)] public static partial int GDALSetGeoTransform(IntPtr dataset, double* transform);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetProjectionRef(IntPtr dataset);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int GDALSetProjection(IntPtr dataset, string wkt);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetRasterBand(IntPtr dataset, int band);

    [LibraryImport(Lib)]
    public static partial int GDALDatasetRasterIOEx(IntPtr dataset, int readWrite, int x, int y, int width, int height,
        void* buffer, int bufferWidth, int bufferHeight, int bufferType, int bandCount, int* bandMap,
        long pixelSpace, long lineSpace, long bandSpace, RasterIOExtraArg* extra);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALCreate(IntPtr driver, string path, int width, int height, int bands, int dataType, IntPtr options);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALCreateCopy(IntPtr driver, string path, IntPtr source, int strict, IntPtr options, IntPtr progress, IntPtr progressData);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GDALBuildOverviews(IntPtr dataset, string resampling, int overviewCount, int* overviews,
        int bandCount, int* bands, IntPtr progress, IntPtr progressData);

    [LibraryImport(Lib)] public static partial int GDALGetRasterDataType(IntPtr band);
    [LibraryImport(Lib)] public static partial void GDALGetBlockSize(IntPtr band, int* width, int* height);
    [LibraryImport(Lib)] public static partial double GDALGetRasterNoDataValue(IntPtr band, int* hasValue);
    [LibraryImport(Lib)] public static partial int GDALSetRasterNoDataValue(IntPtr band, double value);
    [LibraryImport(Lib)] public static partial int GDALGetRasterColorInterpretation(IntPtr band);
    [LibraryImport(Lib)] public static partial int GDALSetRasterColorInterpretation(IntPtr band, int interpretation);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetColorInterpretationName(int interpretation);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDataTypeName(int dataType);
    [LibraryImport(Lib)] public static partial int GDALGetOverviewCount(IntPtr band);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetMaskBand(IntPtr band);
    [LibraryImport(Lib)] public static partial int GDALGetMaskFlags(IntPtr band);
    [LibraryImport(Lib)] public static partial IntPtr GDALCreateColorTable(int paletteInterpretation);
    [LibraryImport(Lib)] public static partial void GDALDestroyColorTable(IntPtr table);
    [LibraryImport(Lib)] public static partial void GDALSetColorEntry(IntPtr table, int index, ColorEntry* entry);
    [LibraryImport(Lib)] public static partial int GDALSetRasterColorTable(IntPtr band, IntPtr table);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetRasterColorTable(IntPtr band);

    public static string? Utf8(IntPtr text) => text == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(text);
}

internal static unsafe partial class GdalBandApi
{
    [LibraryImport(GdalLibrary.Name)]
    public static partial int GDALRasterIOEx(IntPtr band, int readWrite, int x, int y, int width, int height,
        void* buffer, int bufferWidth, int bufferHeight, int bufferType, long pixelSpace, long lineSpace,
        GdalRasterApi.RasterIOExtraArg* extra);
}
