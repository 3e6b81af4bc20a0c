using GeoDense.Worker.Jobs;

namespace GeoDense.Worker.Tasks;

/// <summary>Where a job's shards keep their outputs until the assembly: `{output}/.shards/{job}/`.</summary>
public static class ShardFolder
{
    public static string Of(string jobId, JobSpec spec) => Path.Combine(spec.Output, ".shards", jobId);

    /// <summary>Removes the job's shard folder, and `.shards` itself once no other job uses it.</summary>
    public static void Remove(string jobId, JobSpec spec)
    {
        var folder = Of(jobId, spec);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var parent = Path.GetDirectoryName(folder)!;
        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
    }
}
