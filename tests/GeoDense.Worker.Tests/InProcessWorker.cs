using Microsoft.AspNetCore.Builder;

namespace GeoDense.Worker.Tests;

/// <summary>A worker hosted in the test process on its own SQLite file (the single-machine default), stopped when disposed.</summary>
public sealed class InProcessWorker : IAsyncDisposable
{
    public WebApplication App { get; }
    public string Url => App.Urls.First();

    InProcessWorker(WebApplication app) => App = app;

    /// <param name="settings">`worker:*` overrides on top of the test defaults (API key, shard rows, a fresh SQLite file, quick polling)</param>
    public static async Task<InProcessWorker> Start(string dataRoot, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["worker:ApiKey"] = WorkerFiles.ApiKey,
            ["worker:ShardRows"] = WorkerFiles.ShardRows.ToString(),
            ["worker:SqlitePath"] = Path.Combine(dataRoot, $"worker-{Guid.NewGuid():N}.db"),
            ["worker:QueuePollInterval"] = "00:00:00.250",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        var app = WorkerHost.Build(new WorkerArguments("http://127.0.0.1:0", dataRoot, Threads: 1, Overrides: overrides));
        await app.StartAsync();
        return new InProcessWorker(app);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
