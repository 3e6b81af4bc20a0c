namespace GeoDense.Tasks.Inference;

/// <summary>
/// Checks an output folder before any model loads: a file where a folder is wanted, a read-only file system or a
/// permission problem is one clear line naming the path, not a failure after minutes of inference.
/// </summary>
public static class OutputFolder
{
    /// <param name="option">the option or key the path came from, for the message (`--work-dir` for training)</param>
    public static string Prepare(string path, string option = "--output")
    {
        if (string.IsNullOrWhiteSpace(path)) throw new Pipelines.PipelineInputException($"{option}: the path is empty; give a folder");
        return Prepare(path, path, option, $"{option} needs a folder");
    }

    /// <summary>
    /// The same checks for an output file: its folder must be writable, the path must not be a folder, and it must not
    /// be one of the command's <paramref name="inputs"/> (metrics written over the weights they score lose the weights).
    /// </summary>
    /// <param name="inputs">the command's input files, by the option that named them</param>
    public static string PrepareFile(string path, params (string Option, string Path)[] inputs)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new Pipelines.PipelineInputException("--output: the path is empty; give a file name");
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new Pipelines.PipelineInputException($"{path}: is a folder; give a file name");
        foreach (var (option, input) in inputs)
            if (!string.IsNullOrWhiteSpace(input) && Path.GetFullPath(input) == full)
                throw new Pipelines.PipelineInputException($"{path}: is the {option} file and would be overwritten; choose another --output");
        Prepare(Path.GetDirectoryName(full)!, path, "--output", "--output needs a file in a folder");
        return full;
    }

    /// <param name="named">the path as the user gave it: messages name it, not the folder or probe file derived from it</param>
    static string Prepare(string folder, string named, string option, string need)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
            throw new Pipelines.PipelineInputException(named == folder ? $"{named}: is a file; {need}" : $"{named}: {full} is a file, not a folder");
        for (var parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
            if (File.Exists(parent)) throw new Pipelines.PipelineInputException($"{named}: {parent} is a file, not a folder");
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".geodense-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // the probe's own name in the framework's message would only confuse
            var why = e is UnauthorizedAccessException ? "permission denied"
                : e.Message.Contains("Read-only", StringComparison.OrdinalIgnoreCase) ? "read-only file system"
                : "the file system refuses new files";
            throw new Pipelines.PipelineInputException($"{named}: cannot write there ({why}); choose another {option}");
        }
        return full;
    }
}
