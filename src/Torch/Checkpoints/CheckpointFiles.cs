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
}
