using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>GDAL's virtual file system (cpl_vsi.h): /vsimem/ buffers, renames and deletes on any VSI path.</summary>
internal static unsafe partial class VsiApi
{
    private const string Lib = GdalLibrary.Name;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr VSIFileFromMemBuffer(string path, byte* data, ulong length, int takeOwnership);
    [LibraryImport(Lib)] public static partial int VSIFCloseL(IntPtr file);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr VSIFOpenL(string path, string access);
    [LibraryImport(Lib)] public static partial nuint VSIFWriteL(byte* data, nuint size, nuint count, IntPtr file);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial byte* VSIGetMemFileBuffer(string path, ulong* length, int unlinkAndSeize);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int VSIUnlink(string path);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int VSIRename(string from, string to);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int VSIStatL(string path, byte* statBuffer);
    [LibraryImport(Lib)] public static partial byte* VSIMalloc(nuint size);
}
