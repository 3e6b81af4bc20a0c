using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace GeoDense.Worker.Tests;

/// <summary>
/// One worker in this process on SQLite (the single-machine default): a multi-shard job equals the one-process run,
/// and the API's refusals (401, 400/403 for paths outside the roots with nothing read or written, 413) hold.
/// </summary>
[Collection("worker")]
public sealed class SqliteWorkerTests(WorkerFiles files) : IAsyncLifetime
{
    InProcessWorker? worker;
    string baseUrl = "";

    public async Task InitializeAsync()
    {
        worker = await InProcessWorker.Start(files.Root, new Dictionary<string, string?> { ["worker:MaxRequestBytes"] = "4096" });
        baseUrl = worker.Url;
    }

    public async Task DisposeAsync()
    {
        if (worker is not null) await worker.DisposeAsync();
    }

    [Fact]
    public async Task A_job_split_into_row_bands_equals_the_one_process_run()
    {
        using var client = new WorkerClient(baseUrl);
        var output = $"out-sqlite-{Guid.NewGuid():N}";
        var id = await client.Submit(WorkerClient.SegmentationJob(output, "scenes/scene.tif"));
        var status = await client.WaitForEnd(id, TimeSpan.FromMinutes(5));
        Assert.True(status.GetProperty("state").GetString() == "succeeded", status.ToString());
        var shards = status.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal(3, shards.Count); // 700 rows in bands of 256
        Assert.All(shards, s => Assert.Equal(1, s.GetProperty("completions").GetInt32()));
        var progress = status.GetProperty("progress");
        Assert.Equal(progress.GetProperty("tilesTotal").GetInt32(), progress.GetProperty("tilesDone").GetInt32());

        files.AssertEqualsReference(Path.Combine(files.Root, output));
        using var result = await client.Http.GetAsync($"/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Contains("scene_classes.tif", await result.Content.ReadAsStringAsync());
        // the shards' intermediate files are gone once the job is assembled
        Assert.False(Directory.Exists(Path.Combine(files.Root, output, ".shards")));
    }

    [Fact]
    public async Task Calls_without_the_api_key_get_401_except_the_health_probes()
    {
        using var anonymous = new WorkerClient(baseUrl, apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Post(WorkerClient.SegmentationJob("out", "scenes/scene.tif"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync("/readyz")).StatusCode);

        using var wrong = new WorkerClient(baseUrl, apiKey: "test-key-7f3a9d");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.Http.GetAsync("/jobs")).StatusCode);

        using var bearer = new HttpClient { BaseAddress = new Uri(baseUrl) };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", WorkerFiles.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/hangfire")).StatusCode);
        var openApi = await bearer.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/jobs/{id}", openApi);
        var metrics = await bearer.GetStringAsync("/metrics");
        Assert.Contains("geodense_jobs{state=\"succeeded\"}", metrics);
        Assert.Contains("geodense_queue_depth{queue=\"shards\"}", metrics);
    }

    [Fact]
    public async Task Paths_outside_the_roots_are_refused_and_nothing_is_read_or_written()
    {
        var outside = Directory.CreateTempSubdirectory("geodense-outside-").FullName;
        try
        {
            File.Copy(files.Scene, Path.Combine(outside, "secret.tif"));
            var link = Path.Combine(files.Root, $"escape-{Guid.NewGuid():N}");
            Directory.CreateSymbolicLink(link, outside);
            var linkName = Path.GetFileName(link);
            using var client = new WorkerClient(baseUrl);
            int jobsBefore = (await client.Http.GetFromJsonAsync<List<object>>("/jobs"))!.Count;

            var refusals = new (object Job, HttpStatusCode Expected)[]
            {
                (WorkerClient.SegmentationJob("out", "../secret.tif"), HttpStatusCode.BadRequest),
                (WorkerClient.SegmentationJob("out", "scenes/../../secret.tif"), HttpStatusCode.BadRequest),
                (WorkerClient.SegmentationJob("out", Path.Combine(outside, "secret.tif")), HttpStatusCode.Forbidden),
                (WorkerClient.SegmentationJob("out", $"{linkName}/secret.tif"), HttpStatusCode.Forbidden),
                (WorkerClient.SegmentationJob($"{linkName}/written-here", "scenes/scene.tif"), HttpStatusCode.Forbidden),
                (WorkerClient.SegmentationJob("out", "/vsicurl/http://127.0.0.1:9/scene.tif"), HttpStatusCode.Forbidden),
                (new { task = "segmentation", pipeline = "demo-segmentation", weights = $"{linkName}/w.safetensors", inputs = new[] { "scenes/scene.tif" }, output = "out" },
                    HttpStatusCode.Forbidden),
            };
            foreach (var (job, expected) in refusals)
            {
                var (status, body) = await client.Post(job);
                Assert.True(status == expected, $"{System.Text.Json.JsonSerializer.Serialize(job)}: {(int)status} {body}");
                Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
            }
            Assert.Equal(["secret.tif"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
            Assert.False(Directory.Exists(Path.Combine(files.Root, "out")));
            Assert.Equal(jobsBefore, (await client.Http.GetFromJsonAsync<List<object>>("/jobs"))!.Count);
        }
        finally { Directory.Delete(outside, recursive: true); }
    }

    [Fact]
    public async Task Oversize_requests_get_413_and_unknown_tasks_or_mismatched_jobs_400()
    {
        using var client = new WorkerClient(baseUrl);
        var huge = WorkerClient.SegmentationJob("out", Enumerable.Range(0, 400).Select(i => $"scenes/tile-{i:D5}.tif").ToArray());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.Post(huge)).Status);

        // chunked: no Content-Length, refused once the body passes the limit
        var padding = new string(' ', 8000);
        using var chunked = new StringContent($"{{{padding}\"task\": \"segmentation\"}}", Encoding.UTF8, "application/json");
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.Http.SendAsync(request)).StatusCode);

        var (unknownStatus, unknown) = await client.Post(new { task = "classification", pipeline = "demo-segmentation", weights = "weights.safetensors",
            inputs = new[] { "scenes/scene.tif" }, output = "out" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Contains("unknown", unknown.GetProperty("error").GetString());
        // a detection job needs a detection pipeline, a change job pairs
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Post(new { task = "detection", pipeline = "demo-segmentation", weights = "weights.safetensors",
            inputs = new[] { "scenes/scene.tif" }, output = "out" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Post(new { task = "change", pipeline = "demo-change", weights = "weights.safetensors",
            inputs = new[] { "scenes/scene.tif" }, output = "out" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Post(WorkerClient.SegmentationJob("out", "scenes/missing.tif"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync("/jobs/0123456789abcdef")).StatusCode);
    }
}
