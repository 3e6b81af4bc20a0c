using System.Text.Json.Serialization;

namespace GeoDense.Worker.Jobs;

/// <summary>`POST /jobs` body: paths relative to the data root; `pipeline` a file there or the name of a shipped one.</summary>
/// <param name="DotaSubmission">detection only: also write the DOTA Task1 submission zip at this path</param>
public sealed record JobRequest(string? Task, string? Pipeline, string? Weights, List<string>? Inputs, List<ImagePair>? Pairs, string? Output,
    string? DotaSubmission = null);

/// <summary>Two acquisitions of one place (change detection).</summary>
public sealed record ImagePair(string? Before, string? After);

/// <summary>A checked request: absolute paths inside the roots, one output stem per input.</summary>
public sealed record JobSpec(string Task, string Pipeline, string Weights, IReadOnlyList<JobInput> Inputs, string Output, string? Submission = null);

/// <summary>One input raster (for change detection: the before image, with <paramref name="After"/> the later one) and its output stem.</summary>
public sealed record JobInput(string Path, string Stem, string? After = null);

/// <summary>
/// One Hangfire job's worth of work: rows [RowStart, RowEnd) of input <see cref="Input"/> (all rows for a small input;
/// detection: also windows [WindowStart, WindowEnd) of the input's DOTA windows). <see cref="Tiles"/> is the windows
/// it runs, the progress total until the shard reports its own.
/// </summary>
public sealed record ShardSpec(int Index, int Input, int RowStart, int RowEnd, int Tiles, int? WindowStart = null, int? WindowEnd = null);

public static class JobStates
{
    public const string Queued = "queued", Running = "running", Assembling = "assembling",
        Succeeded = "succeeded", Failed = "failed", Cancelled = "cancelled";

    public static readonly string[] All = [Queued, Running, Assembling, Succeeded, Failed, Cancelled];

    public static bool IsFinal(string state) => state is Succeeded or Failed or Cancelled;
}

/// <summary>What a finished job wrote (`GET /jobs/{id}/result`, and `result.json` in its output folder).</summary>
public sealed record JobManifest(string Job, string Task, IReadOnlyList<InputOutputs> Outputs);

public sealed record InputOutputs(string Input, IReadOnlyList<string> Files);

public static class JobManifests
{
    static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes `{output}/{job}.result.json` (atomically) and returns the manifest.</summary>
    public static JobManifest Write(JobSpec spec, JobManifest manifest)
    {
        GeoDense.IO.AtomicFile.WriteAllText(Path.Combine(spec.Output, $"{manifest.Job}.result.json"), System.Text.Json.JsonSerializer.Serialize(manifest, Json));
        return manifest;
    }
}

/// <summary>A job as stored: its spec and shards, state, error, result and per-shard progress.</summary>
public sealed record JobRecord(string Id, JobSpec Spec, IReadOnlyList<ShardSpec> Shards, string State, DateTimeOffset Created,
    DateTimeOffset Updated, DateTimeOffset? Started, string? Error, JobManifest? Result, IReadOnlySet<int> ShardsDone,
    IReadOnlyDictionary<int, int> TilesDone, IReadOnlyDictionary<int, int> TilesTotal, IReadOnlyDictionary<int, int> Completions,
    string? CurrentInput, IReadOnlyList<string> HangfireJobs);

/// <summary>`GET /jobs/{id}`.</summary>
public sealed record JobStatus(
    string Id, string Task, string State, DateTimeOffset Created, DateTimeOffset Updated, JobProgress Progress,
    IReadOnlyList<string> Errors, IReadOnlyList<ShardStatus> Shards, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JobManifest? Result);

public sealed record JobProgress(int TilesDone, int TilesTotal, int ShardsDone, int ShardsTotal, string? CurrentInput, double? EtaSeconds);

/// <summary>`Completions`: how many times the shard's output was written (1 when done: a shard is never applied twice).</summary>
public sealed record ShardStatus(int Index, string Input, int RowStart, int RowEnd, bool Done, int Completions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? WindowStart = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? WindowEnd = null);

public sealed record JobSummary(string Id, string Task, string State, DateTimeOffset Created);
