using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

/// <summary>GDAL virtual file system helpers: in-memory files (/vsimem/) and renames/deletes on any path.</summary>
public static unsafe class Vsi
{
    /// <summary>True for GDAL virtual paths (/vsimem/, /vsizip/, /vsicurl/, /vsis3/, ...), which .NET cannot see.</summary>
    public static bool IsVirtual(string path) => path.StartsWith("/vsi", StringComparison.Ordinal);

    /// <summary>Creates (or replaces) a /vsimem/ file holding a copy of <paramref name="data"/>.</summary>
    public static void WriteMemoryFile(string path, ReadOnlySpan<byte> data)
    {
        GdalLibrary.EnsureInitialized();
        var copy = VsiApi.VSIMalloc((nuint)Math.Max(1, data.Length));
        data.CopyTo(new Span<byte>(copy, data.Length));
        var file = VsiApi.VSIFileFromMemBuffer(path, copy, (ulong)data.Length, 1);
        if (file == IntPtr.Zero) throw new GdalException($"Cannot create in-memory file '{path}': {GdalLibrary.TakeError()}");
        VsiApi.VSIFCloseL(file);
    }

    /// <summary>The bytes of a /vsimem/ file.</summary>
    public static byte[] ReadMemoryFile(string path)
    {
        GdalLibrary.EnsureInitialized();
        ulong length;
        var buffer = VsiApi.VSIGetMemFileBuffer(path, &length, 0);
        if (buffer == null) throw new FileNotFoundException($"In-memory file '{path}' does not exist.", path);
        return new ReadOnlySpan<byte>(buffer, checked((int)length)).ToArray();
    }

    public static bool Exists(string path)
    {
        if (!IsVirtual(path)) return File.Exists(path) || Directory.Exists(path);
        GdalLibrary.EnsureInitialized();
        var stat = stackalloc byte[512]; // larger than struct stat64 on every platform we run on
        return VsiApi.VSIStatL(path, stat) == 0;
    }

    public static void Delete(string path)
    {
        if (!IsVirtual(path)) { if (File.Exists(path)) File.Delete(path); return; }
        GdalLibrary.EnsureInitialized();
        VsiApi.VSIUnlink(path);
    }

    /// <summary>Moves a finished file onto its final name, replacing what was there.</summary>
    public static void Rename(string from, string to)
    {
        if (!IsVirtual(from) && !IsVirtual(to)) { File.Move(from, to, overwrite: true); return; }
        GdalLibrary.EnsureInitialized();
        if (Exists(to)) VsiApi.VSIUnlink(to);
        if (VsiApi.VSIRename(from, to) != 0) throw new GdalException($"Cannot rename '{from}' to '{to}': {GdalLibrary.TakeError()}");
    }
}
