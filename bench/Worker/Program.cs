// Bounded load test of the worker on loopback (docs/benchmarks.md, "Worker"): one in-process worker on SQLite,
// N segmentation jobs submitted at once (each a 256x256 scene, one shard, demo model with random weights), status
// polled round-robin until every job ends. Reports status-call latency percentiles, submit latency, throughput and
// the process's peak RSS.   dotnet bench/Worker/bin/Release/net10.0/GeoDense.Bench.Worker.dll [jobs=50] [threads=2]
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch.Checkpoints;
using GeoDense.Worker;

int jobs = args.Length > 0 ? int.Parse(args[0]) : 50;
int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
var root = Directory.CreateTempSubdirectory("geodense-worker-bench-").FullName;
try
{
    var pipeline = FindPipeline("demo-segmentation.yaml");
    SyntheticScene.Write(Path.Combine(root, "scene.tif"), new SyntheticSceneOptions(256, 256, 3));
    using (var model = SegmentationModels.Create(PipelineFile.Load<SegmentationPipeline>(pipeline)))
        TensorCheckpoints.SaveSafetensors(Path.Combine(root, "weights.safetensors"), model.StateDict());

    const string key = "bench-key";
    await using var app = WorkerHost.Build(new WorkerArguments("http://127.0.0.1:0", root, Threads: threads, Overrides: new Dictionary<string, string?>
    {
        ["worker:ApiKey"] = key, ["worker:QueuePollInterval"] = "00:00:00.200", ["worker:PipelinesFolder"] = Path.GetDirectoryName(pipeline),
    }));
    await app.StartAsync();
    using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
    http.DefaultRequestHeaders.Add("X-Api-Key", key);

    long peakRss = 0;
    using var sampler = new Timer(_ => { var rss = Process.GetCurrentProcess().WorkingSet64; if (rss > Interlocked.Read(ref peakRss)) Interlocked.Exchange(ref peakRss, rss); },
        null, 0, 100);
    var clock = Stopwatch.StartNew();
    var submitLatencies = new double[jobs];
    var ids = await Task.WhenAll(Enumerable.Range(0, jobs).Select(async i =>
    {
        var t = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/jobs", new
        {
            task = "segmentation", pipeline = "demo-segmentation", weights = "weights.safetensors", inputs = new[] { "scene.tif" }, output = $"out/{i:D3}",
        });
        submitLatencies[i] = t.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }));
    var statusLatencies = new List<double>();
    var pending = new HashSet<string>(ids);
    int failed = 0;
    while (pending.Count > 0)
    {
        foreach (var id in pending.ToList())
        {
            var t = Stopwatch.StartNew();
            var status = await http.GetFromJsonAsync<JsonElement>($"/jobs/{id}");
            statusLatencies.Add(t.Elapsed.TotalMilliseconds);
            var state = status.GetProperty("state").GetString();
            if (state is "succeeded" or "failed" or "cancelled")
            {
                pending.Remove(id);
                if (state != "succeeded") { failed++; Console.Error.WriteLine($"{id}: {state} {status}"); }
            }
        }
        await Task.Delay(50);
    }
    var seconds = clock.Elapsed.TotalSeconds;
    await app.StopAsync();
    static double Percentile(IList<double> values, double p) { var s = values.Order().ToList(); return s[Math.Min(s.Count - 1, (int)Math.Ceiling(p * s.Count) - 1)]; }
    Console.WriteLine($"jobs: {jobs} submitted at once, {jobs - failed} succeeded, {failed} failed, in {seconds:F1} s ({jobs / seconds:F2} jobs/s)");
    Console.WriteLine($"submit latency ms: p50 {Percentile(submitLatencies, 0.5):F1}  p99 {Percentile(submitLatencies, 0.99):F1}");
    Console.WriteLine($"status latency ms ({statusLatencies.Count} calls): p50 {Percentile(statusLatencies, 0.5):F1}  p99 {Percentile(statusLatencies, 0.99):F1}  max {statusLatencies.Max():F1}");
    Console.WriteLine($"peak RSS: {Interlocked.Read(ref peakRss) / (1024.0 * 1024):F0} MiB");
    return failed == 0 ? 0 : 1;
}
finally { Directory.Delete(root, recursive: true); }

static string FindPipeline(string name)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "pipelines", name))) return Path.Combine(dir.FullName, "pipelines", name);
    throw new FileNotFoundException($"pipelines/{name} not found above {AppContext.BaseDirectory}");
}
