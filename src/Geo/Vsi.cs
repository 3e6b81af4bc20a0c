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

    /// <summary>A new file to write, on disk or on any GDAL virtual file system (/vsimem/, /vsis3/, ...).</summary>
    public static Stream OpenWrite(string path)
    {
        if (!IsVirtual(path)) return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        GdalLibrary.EnsureInitialized();
        GdalLibrary.ClearError();
        var file = VsiApi.VSIFOpenL(path, "wb");
        return file != IntPtr.Zero ? new VsiWriteStream(file, path) : throw new IOException($"Cannot create '{path}': {GdalLibrary.TakeError()}");
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

/// <summary>A write-only stream over a GDAL virtual file.</summary>
internal sealed unsafe class VsiWriteStream(IntPtr file, string path) : Stream
{
    private IntPtr file = file;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* data = buffer)
            if (buffer.Length > 0 && VsiApi.VSIFWriteL(data, 1, (nuint)buffer.Length, file) != (nuint)buffer.Length)
                throw new IOException($"Cannot write to '{path}': {GdalLibrary.TakeError()}");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (file != IntPtr.Zero && VsiApi.VSIFCloseL(file) != 0)
        {
            file = IntPtr.Zero;
            if (disposing) throw new IOException($"Cannot finish writing '{path}': {GdalLibrary.TakeError()}");
        }
        file = IntPtr.Zero;
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override void Flush() { }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
