using Hangfire;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using GeoDense.Worker.Tasks;

namespace GeoDense.Worker.Jobs;

/// <summary>
/// The Hangfire jobs: one per shard (queue `shards`) and one assembly per job (queue `assembly`). A user error
/// (bad raster, bad pipeline) fails the job at once; anything else is retried a bounded number of times, then the
/// job ends `failed` with the error, so a poison shard never loops. Cancellation (DELETE, shutdown) stops a shard
/// within one batch and leaves no file at its final name.
/// </summary>
public sealed class ShardJobs(JobStore store, WorkerTasks tasks, IBackgroundJobClient client, WorkerMetrics metrics, RemoteIo remote,
    IOptions<WorkerOptions> options, ILogger<ShardJobs> log)
{
    /// <summary>Retries after the first attempt; then the job fails.</summary>
    public const int Retries = 2;

    [AutomaticRetry(Attempts = Retries, DelaysInSeconds = [2, 5], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [Queue("shards")]
    public void RunShard(string jobId, int index, PerformContext? context, CancellationToken cancellationToken)
    {
        var job = store.Get(jobId);
        if (job is null || JobStates.IsFinal(job.State)) return;
        var shard = job.Shards[index];
        var task = tasks.For(job.Spec.Task);
        try
        {
            store.ShardStarted(jobId, shard, job.Spec.Inputs[shard.Input].Path, shard.Tiles);
            HoldForTests(index, cancellationToken);
            FailForTests(index);
            var lastReport = DateTime.UtcNow;
            int reported = 0;
            var (written, tiles) = remote.Run(Paths(job.Spec), token => task.RunShard(jobId, job.Spec, shard, p =>
            {
                metrics.AddTiles(Math.Max(0, p.Done - reported)); // a remote retry starts its count again
                reported = p.Done;
                metrics.Rate(p.TilesPerSecond);
                // progress goes to the shared store at most every 2 s: status calls must not cost the database a write per tile
                if ((DateTime.UtcNow - lastReport).TotalSeconds >= 2)
                {
                    lastReport = DateTime.UtcNow;
                    store.ShardProgress(jobId, index, p.Done);
                }
            }, token), cancellationToken);
            metrics.ShardFinished();
            log.LogInformation("job {Job} shard {Shard}: {Outcome} ({Tiles} tiles)", jobId, index, written ? "written" : "already done", tiles);
            store.ShardDone(jobId, index, written, tiles, () => client.Create<ShardJobs>(x => x.Assemble(jobId, null, CancellationToken.None),
                new EnqueuedState("assembly")));
            // cancelled while this shard ran: the cancel's clean-up may have come before this shard's file
            if (store.Get(jobId)?.State == JobStates.Cancelled) task.CleanUp(jobId, job.Spec);
        }
        catch (InputException e)
        {
            metrics.ShardFailed();
            store.Fail(jobId, $"shard {index}: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.ShardFailed();
            FailIfLastAttempt(jobId, $"shard {index}", context, e);
            throw;
        }
    }

    [AutomaticRetry(Attempts = Retries, DelaysInSeconds = [2, 5], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [Queue("assembly")]
    public void Assemble(string jobId, PerformContext? context, CancellationToken cancellationToken)
    {
        var job = store.Get(jobId);
        if (job is null || JobStates.IsFinal(job.State)) return;
        var task = tasks.For(job.Spec.Task);
        try
        {
            var manifest = remote.Run(Paths(job.Spec), token => task.Assemble(jobId, job.Spec, job.Shards, token), cancellationToken);
            store.Succeed(jobId, manifest);
            task.CleanUp(jobId, job.Spec);
            log.LogInformation("job {Job}: assembled {Inputs} input(s)", jobId, manifest.Outputs.Count);
        }
        catch (InputException e) { store.Fail(jobId, $"assembly: {e.Message}"); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            FailIfLastAttempt(jobId, "assembly", context, e);
            throw;
        }
    }

    /// <summary>Every input path of the job and its output folder: remote ones put the work under <see cref="RemoteIo"/>.</summary>
    static IEnumerable<string> Paths(JobSpec spec) => spec.Inputs.SelectMany(i => new[] { i.Path, i.After }).OfType<string>().Append(spec.Output);

    void FailIfLastAttempt(string jobId, string what, PerformContext? context, Exception e)
    {
        int retry = context?.GetJobParameter<int>("RetryCount") ?? Retries;
        log.LogWarning("job {Job} {What} attempt {Attempt} failed: {Error}", jobId, what, retry + 1, e.Message);
        if (retry >= Retries) store.Fail(jobId, $"{what}: {e.Message} (after {Retries + 1} attempts)");
    }

    /// <summary>See <see cref="WorkerOptions.FailShardForTests"/>: a shard that never succeeds, to test bounded retries.</summary>
    void FailForTests(int index)
    {
        if (options.Value.FailShardForTests != index) return;
        if (options.Value.FailShardLog is { } log) File.AppendAllText(log, $"attempt\n");
        throw new InvalidOperationException($"test hook: shard {index} always fails");
    }

    /// <summary>See <see cref="WorkerOptions.HoldShardForTests"/>: a deterministic "mid-shard" for the crash test.</summary>
    void HoldForTests(int index, CancellationToken cancellationToken)
    {
        if (options.Value.HoldShardForTests != index || options.Value.HoldShardMarker is not { } marker) return;
        File.WriteAllText(marker, $"{Environment.ProcessId}\n");
        cancellationToken.WaitHandle.WaitOne();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
