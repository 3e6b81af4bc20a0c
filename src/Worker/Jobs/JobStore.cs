using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Polly;

namespace GeoDense.Worker.Jobs;

/// <summary>
/// GeoDense's job records, kept in Hangfire's own storage (hashes and sets of the same SQLite file or PostgreSQL
/// schema), so a job, its shards and the fan-in counter live in the one database every worker shares. The fan-in
/// runs under a distributed lock: exactly one shard completion sees the last shard done and enqueues the assembly.
/// </summary>
public sealed class JobStore(JobStorage storage)
{
    const string JobsSet = "geodense:jobs", ActiveSet = "geodense:active";
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly ResiliencePipeline resilience = StorageResilience.Create();

    static string Key(string id) => $"geodense:job:{id}";
    static string DoneKey(string id) => $"geodense:job:{id}:done";

    T Call<T>(Func<IStorageConnection, T> body) => resilience.Execute(() =>
    {
        using var connection = storage.GetConnection();
        return body(connection);
    });

    void Call(Action<IStorageConnection> body) => Call(c => { body(c); return 0; });

    static string? HashValue(IStorageConnection c, string key, string name) => c is JobStorageConnection j
        ? j.GetValueFromHash(key, name) : c.GetAllEntriesFromHash(key)?.GetValueOrDefault(name);

    static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    public void Create(string id, JobSpec spec, IReadOnlyList<ShardSpec> shards) => Call(c =>
    {
        using var tx = c.CreateWriteTransaction();
        var now = Now();
        tx.SetRangeInHash(Key(id), new Dictionary<string, string>
        {
            ["spec"] = JsonSerializer.Serialize(spec, Json), ["shards"] = JsonSerializer.Serialize(shards, Json),
            ["state"] = JobStates.Queued, ["created"] = now, ["updated"] = now,
        });
        tx.AddToSet(JobsSet, id, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        tx.AddToSet(ActiveSet, id);
        tx.Commit();
    });

    public void SetHangfireJobs(string id, IEnumerable<string> hangfireIds) =>
        Set(id, ("hangfire", JsonSerializer.Serialize(hangfireIds.ToList(), Json)));

    /// <summary>Jobs queued, running or being assembled (the 429 limit counts these).</summary>
    public long ActiveCount() => Call(c => c is JobStorageConnection j ? j.GetSetCount(ActiveSet) : c.GetAllItemsFromSet(ActiveSet).Count);

    public IReadOnlyList<string> Ids() => Call(c => c.GetAllItemsFromSet(JobsSet).ToList());

    public JobRecord? Get(string id)
    {
        var (fields, done) = Call(c => (c.GetAllEntriesFromHash(Key(id)), c.GetAllItemsFromSet(DoneKey(id))));
        if (fields is null || !fields.TryGetValue("spec", out var spec)) return null;
        string? Field(string name) => fields.TryGetValue(name, out var v) ? v : null;
        Dictionary<int, int> PerShard(string prefix) => fields.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(f => int.Parse(f.Key[prefix.Length..], CultureInfo.InvariantCulture), f => int.Parse(f.Value, CultureInfo.InvariantCulture));
        return new JobRecord(id, JsonSerializer.Deserialize<JobSpec>(spec, Json)!,
            JsonSerializer.Deserialize<List<ShardSpec>>(Field("shards")!, Json)!, Field("state")!,
            DateTimeOffset.Parse(Field("created")!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(Field("updated")!, CultureInfo.InvariantCulture),
            Field("started") is { } started ? DateTimeOffset.Parse(started, CultureInfo.InvariantCulture) : null,
            Field("error"), Field("result") is { } result ? JsonSerializer.Deserialize<JobManifest>(result, Json) : null,
            done.Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToHashSet(),
            PerShard("tiles:"), PerShard("tiles-total:"), PerShard("completions:"), Field("current"),
            Field("hangfire") is { } hangfire ? JsonSerializer.Deserialize<List<string>>(hangfire, Json)! : []);
    }

    void Set(string id, params (string Key, string Value)[] values) => Call(c =>
    {
        using var tx = c.CreateWriteTransaction();
        tx.SetRangeInHash(Key(id), values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)).Append(new("updated", Now())));
        tx.Commit();
    });

    /// <summary>A shard started: the job is running (unless it already ended) and says which input it is on.</summary>
    public void ShardStarted(string id, ShardSpec shard, string input, int tiles) => Locked(id, c =>
    {
        var state = HashValue(c, Key(id), "state");
        var values = new List<(string, string)> { ("current", input), ($"tiles-total:{shard.Index}", tiles.ToString(CultureInfo.InvariantCulture)) };
        if (state == JobStates.Queued) values.Add(("state", JobStates.Running));
        if (HashValue(c, Key(id), "started") is null) values.Add(("started", Now()));
        Set(id, [.. values]);
    });

    public void ShardProgress(string id, int shard, int tilesDone) => Set(id, ($"tiles:{shard}", tilesDone.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Records shard <paramref name="shard"/> as done (idempotent); true for exactly one caller: the one that saw the
    /// last shard finish while the assembly was not yet enqueued. <paramref name="enqueueAssembly"/> runs inside the
    /// lock before the flag is set, so a crash between the two re-enqueues (the assembly is idempotent) rather than loses it.
    /// </summary>
    public bool ShardDone(string id, int shard, bool written, int tiles, Action enqueueAssembly) => Locked(id, c =>
    {
        var key = Key(id);
        using (var tx = c.CreateWriteTransaction())
        {
            tx.AddToSet(DoneKey(id), shard.ToString(CultureInfo.InvariantCulture));
            var count = tiles.ToString(CultureInfo.InvariantCulture);
            var fields = new Dictionary<string, string> { [$"tiles:{shard}"] = count, [$"tiles-total:{shard}"] = count, ["updated"] = Now() };
            if (written)
            {
                int before = int.TryParse(HashValue(c, key, $"completions:{shard}"), out var n) ? n : 0;
                fields[$"completions:{shard}"] = (before + 1).ToString(CultureInfo.InvariantCulture);
            }
            tx.SetRangeInHash(key, fields);
            tx.Commit();
        }
        var shards = JsonSerializer.Deserialize<List<ShardSpec>>(HashValue(c, key, "shards")!, Json)!;
        var state = HashValue(c, key, "state");
        if (JobStates.IsFinal(state!) || HashValue(c, key, "assembly") is not null) return false;
        if (c.GetAllItemsFromSet(DoneKey(id)).Count < shards.Count) return false;
        enqueueAssembly();
        Set(id, ("assembly", "enqueued"), ("state", JobStates.Assembling));
        return true;
    });

    public void Succeed(string id, JobManifest manifest) => Finish(id, JobStates.Succeeded, ("result", JsonSerializer.Serialize(manifest, Json)));

    /// <summary>Ends the job as failed with <paramref name="error"/> unless it already ended (the first error wins).</summary>
    public void Fail(string id, string error) => Finish(id, JobStates.Failed, ("error", error));

    /// <returns>false when the job had already ended</returns>
    public bool Cancel(string id) => Finish(id, JobStates.Cancelled);

    bool Finish(string id, string state, params (string Key, string Value)[] extra) => Locked(id, c =>
    {
        var current = HashValue(c, Key(id), "state");
        if (current is null || JobStates.IsFinal(current)) return false;
        Set(id, [("state", state), .. extra]);
        using var tx = c.CreateWriteTransaction();
        tx.RemoveFromSet(ActiveSet, id);
        tx.Commit();
        return true;
    });

    T Locked<T>(string id, Func<IStorageConnection, T> body) => Call(c =>
    {
        using (c.AcquireDistributedLock($"geodense:job:{id}:lock", TimeSpan.FromSeconds(30)))
            return body(c);
    });

    void Locked(string id, Action<IStorageConnection> body) => Locked(id, c => { body(c); return 0; });

    /// <summary>For /readyz: one round trip to the database.</summary>
    public void Ping() => Call(c => c.GetAllItemsFromSet("geodense:ping"));
}
