namespace GeoDense.Torch.Checkpoints;

internal static class CheckpointFiles
{
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CheckpointInputException.For(path, "checkpoint file not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw CheckpointInputException.For(path, "checkpoint file cannot be read (permission denied or a directory)", e);
        }
    }

    /// <summary>Writes through a temporary sibling and renames it, so a crash never leaves a half-written file.</summary>
    public static void WriteAtomically(string path, Action<FileStream> write)
    {
        string full = System.IO.Path.GetFullPath(path);
        string temp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
