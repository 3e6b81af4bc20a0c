namespace GeoDense.Tasks.Inference;

/// <summary>
/// Checks an output folder before any model loads: a file where a folder is wanted, a read-only file system or a
/// permission problem is one clear line naming the path, not a failure after minutes of inference.
/// </summary>
public static class OutputFolder
{
    public static string Prepare(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new Pipelines.PipelineInputException($"{path}: is a file; --output needs a folder");
        for (var parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
            if (File.Exists(parent)) throw new Pipelines.PipelineInputException($"{path}: {parent} is a file, not a folder");
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".geodense-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            var why = e is UnauthorizedAccessException ? "permission denied" : e.Message.Contains("Read-only", StringComparison.OrdinalIgnoreCase) ? "read-only file system" : e.Message;
            throw new Pipelines.PipelineInputException($"{path}: cannot write there ({why}); choose another --output");
        }
        return full;
    }

    /// <summary>The same checks for an output file: its folder must be writable and the path must not be a folder.</summary>
    public static string PrepareFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new Pipelines.PipelineInputException($"{path}: is a folder; give a file name");
        Prepare(Path.GetDirectoryName(full)!);
        return full;
    }
}
