using System.Text.Json.Serialization;

namespace GeoDense.Worker.Jobs;

/// <summary>`POST /jobs` body: paths relative to the data root; `pipeline` a file there or the name of a shipped one.</summary>
public sealed record JobRequest(string? Task, string? Pipeline, string? Weights, List<string>? Inputs, List<ImagePair>? Pairs, string? Output);

/// <summary>Two acquisitions of one place (change detection).</summary>
public sealed record ImagePair(string? Before, string? After);

/// <summary>A checked request: absolute paths inside the roots, one output stem per input.</summary>
public sealed record JobSpec(string Task, string Pipeline, string Weights, IReadOnlyList<JobInput> Inputs, string Output);

public sealed record JobInput(string Path, string Stem);

/// <summary>
/// One Hangfire job's worth of work: rows [RowStart, RowEnd) of input <see cref="Input"/> (all rows for a small input).
/// <see cref="Tiles"/> is the window count of a plain grid over those rows, the progress total until the shard runs.
/// </summary>
public sealed record ShardSpec(int Index, int Input, int RowStart, int RowEnd, int Tiles);

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
public sealed record ShardStatus(int Index, string Input, int RowStart, int RowEnd, bool Done, int Completions);

public sealed record JobSummary(string Id, string Task, string State, DateTimeOffset Created);
