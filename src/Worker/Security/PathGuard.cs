using System.Runtime.InteropServices;
using GeoDense.Worker.Api;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Security;

/// <summary>
/// Confines every path a job names to the configured roots before anything is read or written: `..` segments are
/// refused outright (400), a path whose real location (symlinks resolved on the longest existing prefix) is
/// outside every root is refused (403), and GDAL virtual paths (/vsicurl/, /vsis3/ ...) only pass with an allowed prefix.
/// </summary>
public sealed class PathGuard(IOptions<WorkerOptions> options)
{
    readonly WorkerOptions config = options.Value;

    /// <summary>The absolute path for <paramref name="path"/> (relative to the data root), or an <see cref="ApiProblem"/>.</summary>
    public string Resolve(string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw ApiProblem.BadRequest($"{what}: empty path");
        if (path.Contains('\0')) throw ApiProblem.BadRequest($"{what}: path contains a NUL character");
        if (path.Replace('\\', '/').Split('/').Any(segment => segment == ".."))
            throw ApiProblem.BadRequest($"{what}: '{path}' contains '..'; give a path inside the data root");
        if (path.StartsWith("/vsi", StringComparison.OrdinalIgnoreCase))
        {
            if (config.AllowedVsiPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal))) return path;
            throw ApiProblem.Forbidden($"{what}: '{path}' is a GDAL virtual path this worker does not allow (worker.allowed_vsi_prefixes)");
        }
        var full = Path.GetFullPath(Path.Combine(config.FullDataRoot, path));
        var real = RealPath(full);
        foreach (var root in config.EffectiveRoots)
        {
            var realRoot = RealPath(root);
            if (real == realRoot || real.StartsWith(realRoot.TrimEnd('/') + "/", StringComparison.Ordinal)) return full;
        }
        throw ApiProblem.Forbidden($"{what}: '{path}' is outside the worker's roots");
    }

    /// <summary>
    /// The canonical location of <paramref name="path"/>: the longest prefix that exists is resolved by the OS (every
    /// symlink on the way), the part that does not exist yet (an output to create) is appended as written.
    /// </summary>
    public static string RealPath(string path)
    {
        var existing = Path.GetFullPath(path);
        var rest = new Stack<string>();
        while (!File.Exists(existing) && !Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        var resolved = Resolved(existing) ?? existing;
        return rest.Count == 0 ? resolved : Path.Combine([resolved, .. rest]);
    }

    static string? Resolved(string path)
    {
        var result = realpath(path, IntPtr.Zero);
        if (result == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(result); }
        finally { free(result); }
    }

    [DllImport("libc", SetLastError = true)]
    static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    static extern void free(IntPtr pointer);
}
