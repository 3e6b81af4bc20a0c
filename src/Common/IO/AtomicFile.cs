using System.Text;

namespace GeoDense.IO;

/// <summary>
/// Writes an output under a temporary sibling name and renames it onto the final path only when complete, so a
/// crash or an error never leaves a partial file where the user expects a result. The temporary lives in the
/// target folder (a rename across file systems would be a copy) and is hidden; it keeps the extension because
/// GDAL picks and checks drivers by it. Disposing without <see cref="Commit"/> deletes the temporary.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly IAtomicFileSystem fileSystem;
    private readonly bool keep;
    private bool finished;

    /// <summary>Where the caller writes (a file, or a folder it creates there).</summary>
    public string TemporaryPath { get; }

    /// <summary>The path the output gets on <see cref="Commit"/>.</summary>
    public string FinalPath { get; }

    private AtomicFile(string finalPath, string temporaryPath, IAtomicFileSystem fileSystem, bool keep = false)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        this.fileSystem = fileSystem;
        this.keep = keep;
    }

    /// <summary>Creates the parent folder if needed and picks the temporary name; writes nothing yet.</summary>
    /// <param name="fileSystem">local disk when null</param>
    public static AtomicFile Begin(string finalPath, IAtomicFileSystem? fileSystem = null)
    {
        fileSystem ??= LocalFileSystem.Instance;
        // Fully qualified paths stay as given: GDAL's /vsimem/... are "absolute" but not on disk.
        var full = Path.IsPathFullyQualified(finalPath) ? finalPath : Path.GetFullPath(finalPath);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{finalPath}' names no file", nameof(finalPath));
        fileSystem.CreateDirectory(directory);
        return new AtomicFile(full, Path.Combine(directory, TemporaryName(full)), fileSystem);
    }

    /// <summary>
    /// Like <see cref="Begin"/>, but the temporary has a fixed name, `.{name}.unfinished{ext}`, and stays when disposed
    /// without <see cref="Commit"/>: a resumed run reopens it there (the batch journal says how much of it is good).
    /// <see cref="DeleteAbandoned"/> leaves it alone; the next writer of the same final path replaces or commits it.
    /// </summary>
    public static AtomicFile Resumable(string finalPath, IAtomicFileSystem? fileSystem = null)
    {
        var file = Begin(finalPath, fileSystem);
        var name = $".{Path.GetFileNameWithoutExtension(file.FinalPath)}.unfinished{Path.GetExtension(file.FinalPath)}";
        return new AtomicFile(file.FinalPath, Path.Combine(Path.GetDirectoryName(file.FinalPath)!, name), file.fileSystem, keep: true);
    }

    /// <summary>`.{name}.partial-{8 hex}{ext}`: hidden, unique per writer, same extension as the final file.</summary>
    private static string TemporaryName(string finalPath) =>
        $".{Path.GetFileNameWithoutExtension(finalPath)}.partial-{Guid.NewGuid().ToString("N")[..8]}{Path.GetExtension(finalPath)}";

    /// <summary>
    /// Deletes the temporaries that writers killed outright (SIGKILL, power loss: no chance to clean up) left in
    /// <paramref name="folder"/>. Only for a folder no other writer is using at the time, as a resumed batch run's.
    /// </summary>
    /// <returns>how many were deleted</returns>
    public static int DeleteAbandoned(string folder)
    {
        int deleted = 0;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.partial-*")) { File.Delete(file); deleted++; }
        foreach (var dir in Directory.EnumerateDirectories(folder, ".*.partial-*")) { Directory.Delete(dir, recursive: true); deleted++; }
        return deleted;
    }

    /// <summary>Renames the temporary onto <see cref="FinalPath"/>, replacing an existing file.</summary>
    public void Commit()
    {
        if (finished) throw new InvalidOperationException($"{FinalPath}: already committed or abandoned");
        fileSystem.Replace(TemporaryPath, FinalPath);
        finished = true;
    }

    /// <summary>Without <see cref="Commit"/>, deletes the temporary file or folder (unless <see cref="Resumable"/>).</summary>
    public void Dispose()
    {
        if (!keep) Discard();
    }

    /// <summary>Deletes the temporary (a resumable one too) without committing it: it was only a step to the output.</summary>
    public void Discard()
    {
        if (finished) return;
        finished = true;
        fileSystem.Delete(TemporaryPath);
    }

    /// <summary>Writes a local file through <paramref name="write"/> and commits it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var file = Begin(path);
        using (var stream = new FileStream(file.TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            write(stream);
        file.Commit();
    }

    /// <summary>Like <see cref="File.WriteAllText(string, string?)"/> (UTF-8, no BOM), atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)));
}
