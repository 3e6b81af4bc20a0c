using System.Runtime;
using System.Runtime.InteropServices;

namespace GeoDense.Geo;

/// <summary>
/// Hands the memory a finished stage of a mosaic job freed back to the operating system, so that the next stage's peak
/// does not stack on top of it. Without this, the managed heap keeps the stitcher's accumulators and the C heap
/// (glibc) keeps what inference, GDAL's block cache and the COG writer freed, and peak RSS becomes the sum of the stages
/// rather than the largest of them (docs/geo.md, "Memory"). A blocking full collection and a trim take tens of
/// milliseconds: called a few times per mosaic, between stages, never per tile.
/// </summary>
public static class MemoryRelief
{
    public static void ReturnFreed()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        unsafe { if (Trim != null) Trim(0); }
    }

    /// <summary>glibc's malloc_trim: returns the free pages of every arena; absent elsewhere (musl, macOS), where nothing is trimmed.</summary>
    private static readonly unsafe delegate* unmanaged[Cdecl]<nuint, int> Trim = FindTrim();

    private static unsafe delegate* unmanaged[Cdecl]<nuint, int> FindTrim() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "malloc_trim", out var address)
            ? (delegate* unmanaged[Cdecl]<nuint, int>)address
            : null;
}
