using GeoDense.Tasks.Inference;
using GeoDense.Worker.Jobs;

namespace GeoDense.Worker.Tasks;

/// <summary>
/// How a task plugs into the worker: check a request and split it into shards, run one shard (idempotent: a
/// deterministic output name, written atomically, skipped when already there), and assemble the shards' outputs
/// into what a one-process `geodense` run writes.
/// </summary>
public interface IWorkerTask
{
    /// <summary>Checks the request (paths through the <see cref="Security.PathGuard"/>, files readable) and plans its shards.</summary>
    (JobSpec Spec, IReadOnlyList<ShardSpec> Shards) Plan(JobRequest request);

    /// <summary>Runs one shard unless its output exists.</summary>
    /// <returns>whether this call wrote the output (false: it was already done), and the windows it ran</returns>
    (bool Written, int Tiles) RunShard(string jobId, JobSpec spec, ShardSpec shard, Action<InferenceProgress> progress, CancellationToken cancellationToken);

    /// <summary>The fan-in: final outputs from every shard's output; safe to run again.</summary>
    JobManifest Assemble(string jobId, JobSpec spec, IReadOnlyList<ShardSpec> shards, CancellationToken cancellationToken);

    /// <summary>Removes the shards' intermediate files once the job ended.</summary>
    void CleanUp(string jobId, JobSpec spec);
}
