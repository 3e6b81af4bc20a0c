namespace GeoDense.IO;

/// <summary>Local disk through System.IO.</summary>
public sealed class LocalFileSystem : IAtomicFileSystem
{
    public static LocalFileSystem Instance { get; } = new();

    private LocalFileSystem() { }

    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    public void Replace(string from, string to) => File.Move(from, to, overwrite: true);

    public void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
