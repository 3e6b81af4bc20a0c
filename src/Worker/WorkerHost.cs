using GeoDense.Worker.Api;
using GeoDense.Worker.Jobs;
using GeoDense.Worker.Security;
using GeoDense.Worker.Tasks;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker;

/// <summary>What `geodense worker` was given on its command line.</summary>
public sealed record WorkerArguments(string? Urls = null, string? DataRoot = null, string? ConfigFile = null, int? Threads = null,
    IReadOnlyDictionary<string, string?>? Overrides = null);

/// <summary>
/// Builds the worker: ASP.NET Core minimal APIs (job API, health, metrics, OpenAPI at /openapi/v1.json, the Hangfire
/// dashboard at /hangfire) and a Hangfire server on the queues `shards` and `assembly`, on SQLite or PostgreSQL.
/// </summary>
public static class WorkerHost
{
    public static WebApplication Build(WorkerArguments arguments)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (arguments.ConfigFile is { } file) builder.Configuration.AddWorkerYaml(file);
        var overrides = new Dictionary<string, string?>(arguments.Overrides ?? new Dictionary<string, string?>());
        if (arguments.DataRoot is { } root) overrides[$"{WorkerOptions.Section}:DataRoot"] = root;
        if (arguments.Threads is { } threads) overrides[$"{WorkerOptions.Section}:Threads"] = threads.ToString();
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.WebHost.UseUrls(arguments.Urls ?? builder.Configuration["urls"] ?? "http://127.0.0.1:8080");
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Hangfire", LogLevel.Warning);

        var options = new WorkerOptions();
        builder.Configuration.GetSection(WorkerOptions.Section).Bind(options);
        // secrets come from the environment (a Kubernetes Secret) rather than the file, and never reach a log line
        options.ApiKey = Environment.GetEnvironmentVariable("GEODENSE_API_KEY") is { Length: > 0 } key ? key : options.ApiKey;
        options.Postgres = Environment.GetEnvironmentVariable("GEODENSE_POSTGRES") is { Length: > 0 } pg ? pg : options.Postgres;
        Validate(options);
        builder.Services.AddSingleton<IOptions<WorkerOptions>>(Options.Create(options));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);

        builder.Services.AddHangfire(config => UseStorage(config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings(), options));
        builder.Services.AddHangfireServer(server =>
        {
            server.WorkerCount = options.Workers;
            server.Queues = ["assembly", "shards"];
            // graceful shutdown: stop fetching, give the running shard this long, then cancel it (it is re-run elsewhere)
            server.ShutdownTimeout = options.ShutdownTimeout;
            server.StopTimeout = options.ShutdownTimeout;
            server.CancellationCheckInterval = TimeSpan.FromSeconds(1);
            // a retry is a scheduled job: check for due ones as often as the queue is polled, not every 15 s
            server.SchedulePollingInterval = options.QueuePollInterval;
        });
        builder.Services.AddSingleton<ApiKeyCheck>();
        builder.Services.AddSingleton<PathGuard>();
        builder.Services.AddSingleton<PipelineLocator>();
        builder.Services.AddSingleton<ModelCache>();
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton(new RemoteIo(options.RemoteIo));
        builder.Services.AddSingleton<RequestChecks>();
        builder.Services.AddSingleton<SegmentationWorkerTask>();
        builder.Services.AddSingleton<DetectionWorkerTask>();
        builder.Services.AddSingleton<ChangeWorkerTask>();
        builder.Services.AddSingleton<WorkerTasks>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddTransient<ShardJobs>();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        var apiKey = app.Services.GetRequiredService<ApiKeyCheck>();
        app.Use(ErrorResponses.Middleware);
        app.Use(apiKey.Middleware);
        app.MapJobs();
        app.MapOperations();
        app.MapOpenApi();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardApiKeyFilter(apiKey)],
            IsReadOnlyFunc = _ => !options.DashboardWritable,
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    static void Validate(WorkerOptions options)
    {
        if (string.IsNullOrEmpty(options.ApiKey)) throw new WorkerConfigException("no API key: set GEODENSE_API_KEY or worker.api_key in the configuration");
        if (options.Storage == StorageKind.Postgresql && string.IsNullOrEmpty(options.Postgres))
            throw new WorkerConfigException("worker.storage is postgresql but no connection string: set GEODENSE_POSTGRES or worker.postgres");
        if (options.Workers < 1) throw new WorkerConfigException($"worker.workers must be at least 1, got {options.Workers}");
        if (options.ShardRows < 1) throw new WorkerConfigException($"worker.shard_rows must be at least 1, got {options.ShardRows}");
        if (options.ShardWindows < 1) throw new WorkerConfigException($"worker.shard_windows must be at least 1, got {options.ShardWindows}");
        if (!Directory.Exists(options.FullDataRoot)) throw new WorkerConfigException($"{options.FullDataRoot}: data root does not exist; create it or pass --data-root");
    }

    static void UseStorage(IGlobalConfiguration config, WorkerOptions options)
    {
        if (options.Storage == StorageKind.Postgresql)
        {
            config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(options.Postgres), new PostgreSqlStorageOptions
            {
                SchemaName = options.PostgresSchema,
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = options.QueuePollInterval,
                // a live worker keeps extending its shard's invisibility, so a long shard is never taken twice;
                // a dead worker's shard is visible again after InvisibilityTimeout
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = options.InvisibilityTimeout,
                DistributedLockTimeout = TimeSpan.FromSeconds(30),
            });
            return;
        }
        var path = options.SqlitePath ?? Path.Combine(options.FullDataRoot, ".geodense-worker.db");
        config.UseSQLiteStorage(path, new SQLiteStorageOptions
        {
            QueuePollInterval = options.QueuePollInterval,
            InvisibilityTimeout = options.InvisibilityTimeout,
        });
    }

    /// <summary>Runs until <paramref name="stop"/> (SIGTERM/Ctrl-C): then stops fetching and gives the running shard its grace time.</summary>
    public static async Task<int> RunAsync(WorkerArguments arguments, CancellationToken stop)
    {
        await using var app = Build(arguments);
        await app.StartAsync(CancellationToken.None);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GeoDense.Worker");
        var o = app.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        log.LogInformation("worker listening on {Urls}; storage {Storage}; data root {Root}", string.Join(", ", app.Urls), o.Storage, o.FullDataRoot);
        try { await Task.Delay(Timeout.Infinite, stop); }
        catch (OperationCanceledException) { }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
