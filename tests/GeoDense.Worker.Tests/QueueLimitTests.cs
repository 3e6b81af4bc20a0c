using System.Net;
using Microsoft.AspNetCore.Builder;

namespace GeoDense.Worker.Tests;

/// <summary>
/// With one job allowed at a time and that job's shard held running (the test hook), a second job gets 429;
/// DELETE cancels the held shard through its cancellation token, and then a job is accepted again.
/// </summary>
[Collection("worker")]
public sealed class QueueLimitTests(WorkerFiles files)
{
    [Fact]
    public async Task A_full_queue_answers_429_and_a_cancelled_job_frees_its_place()
    {
        var marker = Path.Combine(files.Root, $"held-{Guid.NewGuid():N}");
        await using var app = WorkerHost.Build(new WorkerArguments("http://127.0.0.1:0", files.Root, Threads: 1, Overrides: new Dictionary<string, string?>
        {
            ["worker:ApiKey"] = WorkerFiles.ApiKey,
            ["worker:SqlitePath"] = Path.Combine(files.Root, $"worker-{Guid.NewGuid():N}.db"),
            ["worker:QueuePollInterval"] = "00:00:00.250",
            ["worker:MaxActiveJobs"] = "1",
            ["worker:HoldShardForTests"] = "0",
            ["worker:HoldShardMarker"] = marker,
            ["worker:ShutdownTimeout"] = "00:00:02",
        }));
        await app.StartAsync();
        try
        {
            using var client = new WorkerClient(app.Urls.First());
            var output = $"out-limit-{Guid.NewGuid():N}";
            var held = await client.Submit(WorkerClient.SegmentationJob(output, "scenes/scene.tif"));
            var until = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(marker))
            {
                Assert.True(DateTime.UtcNow < until, "the held shard never started");
                await Task.Delay(100);
            }
            var (status, body) = await client.Post(WorkerClient.SegmentationJob(output, "scenes/scene.tif"));
            Assert.True(status == HttpStatusCode.TooManyRequests, $"{(int)status} {body}");

            using (var cancel = await client.Http.DeleteAsync($"/jobs/{held}"))
                Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            var ended = await client.WaitForEnd(held, TimeSpan.FromMinutes(1));
            Assert.Equal("cancelled", ended.GetProperty("state").GetString());
            Assert.False(File.Exists(Path.Combine(files.Root, output, "scene_classes.tif")));
            // the held shard's job was deleted in Hangfire: a later job is accepted (and its own shard 0 is held again)
            File.Delete(marker);
            Assert.Equal(HttpStatusCode.Created, (await client.Post(WorkerClient.SegmentationJob(output, "scenes/scene.tif"))).Status);
        }
        finally { await app.StopAsync(); }
    }
}
