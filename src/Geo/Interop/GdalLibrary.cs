using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GeoDense.Geo.Interop;

/// <summary>
/// Finds the system libgdal, registers drivers once and routes GDAL's error messages into C#.
/// Debian ships libgdal.so only with -dev and libgdal.so.NN without it, so every versioned name is tried.
/// </summary>
internal static unsafe partial class GdalLibrary
{
    internal const string Name = "gdal";

    private static readonly Lazy<bool> Initialized = new(InitializeOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic] private static string? lastError;

#pragma warning disable CA2255 // The resolver must be in place before the first P/Invoke of this assembly.
    [ModuleInitializer]
    internal static void InstallResolver() => NativeLibrary.SetDllImportResolver(typeof(GdalLibrary).Assembly, Resolve);
#pragma warning restore CA2255

    /// <summary>Registers drivers and the error handler; cheap after the first call.</summary>
    public static void EnsureInitialized() => _ = Initialized.Value;

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Name) return IntPtr.Zero;
        foreach (var candidate in Candidates())
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        throw new DllNotFoundException(
            "GDAL (libgdal) was not found. Install it with `apt-get install libgdal-dev gdal-bin`, " +
            "or set GDAL_LIBRARY_PATH to the full path of libgdal.so.");
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("GDAL_LIBRARY_PATH") is { Length: > 0 } explicitPath) yield return explicitPath;
        yield return "libgdal.so";
        yield return "libgdal.so.32";
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/local/lib", "/usr/lib64" })
        {
            if (!Directory.Exists(dir)) continue;
            // Highest soname first: a newer GDAL keeps the C API we use.
            foreach (var file in Directory.GetFiles(dir, "libgdal.so.*").OrderByDescending(f => f.Length).ThenByDescending(f => f, StringComparer.Ordinal))
                yield return file;
        }
        yield return "libgdal.dylib";
        yield return "gdal";
    }

    private static bool InitializeOnce()
    {
        // A small block cache keeps streaming jobs in bounded memory whatever the raster's size: our reads and writes
        // go block row by block row, and a cache a small mosaic never fills would make a wide one's RSS ~50 MB higher
        // (docs/geo.md, "Memory"). Users can still set GDAL_CACHEMAX.
        if (Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is null) CPLSetConfigOption("GDAL_CACHEMAX", "16");
        CPLSetErrorHandler(&OnGdalMessage);
        GDALAllRegister();
        return true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnGdalMessage(int errorClass, int errorNumber, byte* message)
    {
        try
        {
            var text = Marshal.PtrToStringUTF8((IntPtr)message) ?? "";
            if (errorClass >= (int)CplErr.Failure) lastError = text;
            else if (errorClass == (int)CplErr.Warning) GeoDiagnostics.RaiseWarning("GDAL: " + text);
        }
        catch
        {
            // Nothing may cross back into native code.
        }
    }

    /// <summary>Forgets the last error of this thread before a call whose failure we want to explain.</summary>
    public static void ClearError() => lastError = null;

    /// <summary>The last GDAL error message raised on this thread, or a generic phrase.</summary>
    public static string TakeError()
    {
        var message = lastError;
        lastError = null;
        // Without its final full stop the message reads well inside ours ("...: <GDAL's words>. The file may...").
        return string.IsNullOrWhiteSpace(message) ? "GDAL reported a failure without a message" : message.Trim().TrimEnd('.');
    }

    public static string? PeekError() => lastError;

    [LibraryImport(Name)] private static partial void GDALAllRegister();
    [LibraryImport(Name)] private static partial IntPtr CPLSetErrorHandler(delegate* unmanaged[Cdecl]<int, int, byte*, void> handler);
    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)] internal static partial void CPLSetConfigOption(string key, string? value);
    [LibraryImport(Name)] internal static partial void VSIFree(IntPtr pointer);
    [LibraryImport(Name)] internal static partial IntPtr CSLAddString(IntPtr list, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
    [LibraryImport(Name)] internal static partial void CSLDestroy(IntPtr list);
    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr GDALVersionInfo(string request);

    public static string Version
    {
        get { EnsureInitialized(); return Marshal.PtrToStringUTF8(GDALVersionInfo("RELEASE_NAME")) ?? "?"; }
    }
}

internal enum CplErr { None = 0, Debug = 1, Warning = 2, Failure = 3, Fatal = 4 }

/// <summary>A GDAL string list (char**), freed on dispose.</summary>
internal sealed class CStringList : IDisposable
{
    public IntPtr Handle { get; private set; }

    public CStringList(IEnumerable<string>? items = null)
    {
        foreach (var item in items ?? []) Add(item);
    }

    public static CStringList FromOptions(IEnumerable<KeyValuePair<string, string>> options) =>
        new(options.Select(kv => $"{kv.Key}={kv.Value}"));

    public void Add(string item) => Handle = GdalLibrary.CSLAddString(Handle, item);

    public void Dispose()
    {
        if (Handle != IntPtr.Zero) GdalLibrary.CSLDestroy(Handle);
        Handle = IntPtr.Zero;
    }
}

