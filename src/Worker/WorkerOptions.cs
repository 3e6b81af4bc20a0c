namespace GeoDense.Worker;

/// <summary>Job storage: SQLite for one worker process on one machine, PostgreSQL for many workers on many machines.</summary>
public enum StorageKind { Sqlite, Postgresql }

/// <summary>
/// Everything `geodense worker` is configured with (section `worker` of worker.yaml, `--data-root`, or environment:
/// GEODENSE_API_KEY, GEODENSE_POSTGRES). Paths in job requests are relative to <see cref="DataRoot"/> and must stay
/// inside <see cref="Roots"/>.
/// </summary>
public sealed class WorkerOptions
{
    public const string Section = "worker";

    /// <summary>Where request paths are resolved; also the default single root and the SQLite file's folder.</summary>
    public string DataRoot { get; set; } = "data";
    /// <summary>Folders inputs and outputs may lie in (default: <see cref="DataRoot"/> only).</summary>
    public List<string> Roots { get; set; } = [];
    /// <summary>GDAL virtual paths jobs may use (e.g. "/vsis3/my-bucket/"); none unless listed.</summary>
    public List<string> AllowedVsiPrefixes { get; set; } = [];
    /// <summary>Retries, timeout and circuit breaker for jobs that touch those paths (see <see cref="Jobs.RemoteIo"/>).</summary>
    public Jobs.RemoteIoOptions RemoteIo { get; set; } = new();
    /// <summary>Folder of named pipelines (`"pipeline": "demo-segmentation"`); default: pipelines/ beside the app or the checkout.</summary>
    public string? PipelinesFolder { get; set; }

    /// <summary>Required on every call but the health probes. GEODENSE_API_KEY overrides the file.</summary>
    public string? ApiKey { get; set; }
    /// <summary>The Hangfire dashboard may retry and delete jobs only when this is set.</summary>
    public bool DashboardWritable { get; set; }

    public StorageKind Storage { get; set; } = StorageKind.Sqlite;
    /// <summary>SQLite file (default: DataRoot/.geodense-worker.db).</summary>
    public string? SqlitePath { get; set; }
    /// <summary>Npgsql connection string; GEODENSE_POSTGRES overrides it (a Kubernetes Secret sets that).</summary>
    public string? Postgres { get; set; }
    /// <summary>PostgreSQL schema of the Hangfire tables (one per deployment; tests use one each).</summary>
    public string PostgresSchema { get; set; } = "hangfire";

    /// <summary>Concurrent shards in this process. Each shard holds the process's one model, so more only helps I/O.</summary>
    public int Workers { get; set; } = 1;
    /// <summary>libtorch CPU threads (null: all cores).</summary>
    public int? Threads { get; set; }
    /// <summary>Rows per row-band shard; an input of at most this many rows is one shard.</summary>
    public int ShardRows { get; set; } = 2048;
    /// <summary>Detection: most DOTA windows per shard (whole batches); an input with at most this many windows is one shard.</summary>
    public int ShardWindows { get; set; } = 256;
    /// <summary>Jobs queued or running at once; more get 429.</summary>
    public int MaxActiveJobs { get; set; } = 200;
    /// <summary>Largest request body in bytes; larger gets 413.</summary>
    public long MaxRequestBytes { get; set; } = 64 * 1024;
    /// <summary>Most inputs one job may name.</summary>
    public int MaxInputsPerJob { get; set; } = 1000;

    /// <summary>How long a fetched shard stays invisible to other workers without a heartbeat (PostgreSQL slides it while alive).</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>On SIGTERM: time for the current shard to finish before it is abandoned (it is re-run elsewhere).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Test hook: the shard with this index announces itself in <see cref="HoldShardMarker"/> and then waits for
    /// cancellation, so a test can kill the process "mid-shard" deterministically. Never set in production.
    /// </summary>
    public int? HoldShardForTests { get; set; }
    public string? HoldShardMarker { get; set; }
    /// <summary>
    /// Test hook: the shard with this index fails every attempt with an internal error (not a user error, so Hangfire
    /// retries it), appending one line per attempt to <see cref="FailShardLog"/>. Never set in production.
    /// </summary>
    public int? FailShardForTests { get; set; }
    public string? FailShardLog { get; set; }

    public string FullDataRoot => Path.GetFullPath(DataRoot);
    public IReadOnlyList<string> EffectiveRoots => Roots.Count > 0 ? Roots.Select(Path.GetFullPath).ToList() : [FullDataRoot];
}
