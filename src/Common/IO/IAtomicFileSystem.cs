namespace GeoDense.IO;

/// <summary>
/// The file operations <see cref="AtomicFile"/> needs. The default works on local paths; GDAL's virtual file
/// systems (/vsimem/, ...) plug in their own so rasters written in memory follow the same naming and commit rules.
/// </summary>
public interface IAtomicFileSystem
{
    /// <summary>Makes sure <paramref name="directory"/> exists (a no-op where folders are implicit).</summary>
    void CreateDirectory(string directory);

    /// <summary>Moves <paramref name="from"/> onto <paramref name="to"/>, replacing what is there.</summary>
    void Replace(string from, string to);

    /// <summary>Deletes a file or a directory tree; a missing path is not an error.</summary>
    void Delete(string path);
}
