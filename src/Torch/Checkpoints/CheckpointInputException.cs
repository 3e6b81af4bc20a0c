namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be used: missing, truncated, in an unsupported format, or without
/// the expected content. The message names the file and says what to do.
/// </summary>
public sealed class CheckpointInputException(string message, Exception? inner = null) : InputException(message, inner)
{
    internal static CheckpointInputException For(string path, string problem, Exception? inner = null) =>
        new($"{path}: {problem}", inner);
}
