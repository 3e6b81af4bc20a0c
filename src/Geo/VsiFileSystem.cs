using GeoDense.IO;

namespace GeoDense.Geo;

/// <summary>
/// <see cref="AtomicFile"/>'s file operations through GDAL's VSI layer, so outputs under /vsimem/ (tests, the worker)
/// follow the same temporary-then-rename rule as files on disk.
/// </summary>
internal sealed class VsiFileSystem : IAtomicFileSystem
{
    public static VsiFileSystem Instance { get; } = new();

    private VsiFileSystem() { }

    /// <summary>Starts an atomic output that may be a GDAL virtual path.</summary>
    public static AtomicFile Begin(string finalPath) => AtomicFile.Begin(finalPath, Instance);
    public static AtomicFile Resumable(string finalPath) => AtomicFile.Resumable(finalPath, Instance);

    // Virtual file systems have no folders to create.
    public void CreateDirectory(string directory)
    {
        if (!Vsi.IsVirtual(directory)) LocalFileSystem.Instance.CreateDirectory(directory);
    }

    public void Replace(string from, string to) => Vsi.Rename(from, to);

    public void Delete(string path)
    {
        if (Vsi.IsVirtual(path)) Vsi.Delete(path);
        else LocalFileSystem.Instance.Delete(path);
    }
}
