using GeoDense.Worker.Api;
using GeoDense.Worker.Tasks;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Jobs;

/// <summary>What the HTTP API does with jobs: submit (check, plan, record, enqueue shards), read, list, cancel.</summary>
public sealed class JobService(JobStore store, WorkerTasks tasks, IBackgroundJobClient client, RemoteIo remote, IOptions<WorkerOptions> options)
{
    public string Submit(JobRequest request)
    {
        var task = tasks.For(request.Task);
        if (store.ActiveCount() >= options.Value.MaxActiveJobs)
            throw ApiProblem.TooMany($"{options.Value.MaxActiveJobs} jobs are queued or running; retry later");
        var named = (request.Inputs ?? []).Concat((request.Pairs ?? []).SelectMany(p => new[] { p.Before ?? "", p.After ?? "" }));
        var (spec, shards) = remote.Run(named, _ => task.Plan(request), CancellationToken.None);
        var id = Guid.NewGuid().ToString("N")[..16];
        store.Create(id, spec, shards);
        var hangfireIds = shards.Select(s => client.Create<ShardJobs>(x => x.RunShard(id, s.Index, null, CancellationToken.None), new EnqueuedState("shards"))).ToList();
        store.SetHangfireJobs(id, hangfireIds);
        return id;
    }

    public JobRecord Get(string id) => store.Get(id) ?? throw ApiProblem.NotFound($"job '{id}' does not exist");

    public JobStatus Status(string id)
    {
        var job = Get(id);
        int done = job.TilesDone.Values.Sum();
        int total = job.Shards.Sum(s => job.TilesTotal.TryGetValue(s.Index, out var t) ? t : s.Tiles);
        double? eta = null;
        if (job.Started is { } started && done > 0 && !JobStates.IsFinal(job.State))
        {
            var rate = done / Math.Max(1e-3, (DateTimeOffset.UtcNow - started).TotalSeconds);
            eta = Math.Max(0, total - done) / rate;
        }
        var progress = new JobProgress(done, total, job.ShardsDone.Count, job.Shards.Count, JobStates.IsFinal(job.State) ? null : job.CurrentInput, eta);
        var shards = job.Shards.Select(s => new ShardStatus(s.Index, job.Spec.Inputs[s.Input].Path, s.RowStart, s.RowEnd, job.ShardsDone.Contains(s.Index),
            job.Completions.TryGetValue(s.Index, out var c) ? c : 0, s.WindowStart, s.WindowEnd)).ToList();
        return new JobStatus(job.Id, job.Spec.Task, job.State, job.Created, job.Updated, progress, job.Error is null ? [] : [job.Error], shards, job.Result);
    }

    public IReadOnlyList<JobSummary> List(int limit) => store.Ids().Select(store.Get).OfType<JobRecord>()
        .OrderByDescending(j => j.Created).Take(limit).Select(j => new JobSummary(j.Id, j.Spec.Task, j.State, j.Created)).ToList();

    /// <summary>Marks the job cancelled and deletes its Hangfire jobs (a running shard sees its token cancelled).</summary>
    public JobStatus Cancel(string id)
    {
        var job = Get(id);
        if (store.Cancel(id))
        {
            foreach (var hangfireId in job.HangfireJobs) client.ChangeState(hangfireId, new DeletedState(), null);
            tasks.For(job.Spec.Task).CleanUp(id, job.Spec);
        }
        return Status(id);
    }

    public JobManifest Result(string id)
    {
        var job = Get(id);
        return job.Result ?? throw ApiProblem.Conflict($"job '{id}' is {job.State}; its result exists once it succeeded");
    }

    /// <summary>Job counts by state, for /metrics.</summary>
    public IReadOnlyDictionary<string, int> CountByState()
    {
        var counts = JobStates.All.ToDictionary(s => s, _ => 0);
        foreach (var job in store.Ids().Select(store.Get).OfType<JobRecord>()) counts[job.State]++;
        return counts;
    }
}
