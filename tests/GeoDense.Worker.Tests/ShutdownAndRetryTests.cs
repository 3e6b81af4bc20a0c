using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace GeoDense.Worker.Tests;

/// <summary>
/// Graceful shutdown (SIGTERM mid-shard: the worker stops fetching, abandons the held shard within its deadline, and the
/// job completes after a restart, equal to the one-process run) and bounded retries (a shard that always fails ends the
/// job `failed` with its error after a fixed number of attempts, and is not retried again). Test hooks make "mid-shard"
/// and "always fails" facts rather than timing guesses.
/// </summary>
[Collection("worker")]
public sealed class ShutdownAndRetryTests(WorkerFiles files)
{
    string WriteConfig(string name, string sqlite, string? holdMarker)
    {
        var path = Path.Combine(files.Root, name);
        File.WriteAllText(path, $"""
            worker:
              sqlite_path: {sqlite}
              shard_rows: {WorkerFiles.ShardRows}
              queue_poll_interval: "00:00:00.250"
              invisibility_timeout: "00:00:20"
              shutdown_timeout: "00:00:03"
            {(holdMarker is null ? "" : $"  hold_shard_for_tests: 1\n  hold_shard_marker: {holdMarker}\n")}
            """);
        return path;
    }

    [Fact]
    public async Task A_worker_stopped_by_SIGTERM_mid_shard_abandons_it_and_a_restart_completes_the_job()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var sqlite = Path.Combine(files.Root, $"shutdown-{run}.db");
        var marker = Path.Combine(files.Root, $"held-{run}");
        var output = $"out-shutdown-{run}";
        string id;
        using (var first = WorkerProcess.Start(files.Root, WriteConfig($"shutdown-{run}-a.yaml", sqlite, marker)))
        {
            await first.WaitReady();
            using var client = new WorkerClient(first.Url);
            id = await client.Submit(WorkerClient.SegmentationJob(output, "scenes/scene.tif"));
            // one Hangfire worker: it does shard 0, then takes shard 1 and holds it
            await first.WaitForFile(marker, TimeSpan.FromMinutes(3));
            first.Terminate();
            var exited = first.Process.WaitForExitAsync();
            Assert.True(await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMinutes(1))) == exited, "the worker did not exit within a minute of SIGTERM");
            // stopped by its own shutdown, not by the CLI's 10 s emergency exit
            Assert.DoesNotContain("still running", first.Log);
        }
        // the held shard was abandoned (no file, temporary or final) and nothing more was fetched
        var shards = Path.Combine(files.Root, output, ".shards", id);
        Assert.True(File.Exists(Path.Combine(shards, "scene.rows-0000000-0000256.tif")), "shard 0 should have finished before the hold");
        Assert.Equal(["scene.rows-0000000-0000256.tif"], Directory.GetFiles(shards).Select(Path.GetFileName));

        using var second = WorkerProcess.Start(files.Root, WriteConfig($"shutdown-{run}-b.yaml", sqlite, holdMarker: null));
        await second.WaitReady();
        using var restarted = new WorkerClient(second.Url);
        var status = await restarted.WaitForEnd(id, TimeSpan.FromMinutes(5));
        Assert.True(status.GetProperty("state").GetString() == "succeeded", $"{status}");
        Assert.All(status.GetProperty("shards").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("completions").GetInt32()));
        files.AssertEqualsReference(Path.Combine(files.Root, output));
    }

    [Fact]
    public async Task A_shard_that_always_fails_ends_the_job_failed_after_bounded_attempts()
    {
        var attempts = Path.Combine(files.Root, $"attempts-{Guid.NewGuid():N}.log");
        await using var worker = await InProcessWorker.Start(files.Root, new Dictionary<string, string?>
        {
            ["worker:FailShardForTests"] = "2",
            ["worker:FailShardLog"] = attempts,
        });
        using var client = new WorkerClient(worker.Url);
        var output = $"out-failing-{Guid.NewGuid():N}";
        var id = await client.Submit(WorkerClient.SegmentationJob(output, "scenes/scene.tif"));
        var status = await client.WaitForEnd(id, TimeSpan.FromMinutes(5));

        Assert.Equal("failed", status.GetProperty("state").GetString());
        var error = Assert.Single(status.GetProperty("errors").EnumerateArray()).GetString();
        Assert.Contains("shard 2: test hook: shard 2 always fails (after 3 attempts)", error);
        Assert.Equal(3, File.ReadAllLines(attempts).Length);
        Assert.False(File.Exists(Path.Combine(files.Root, output, "scene_classes.tif")));

        // no poison loop: the shard's Hangfire job comes to rest in Failed (Hangfire records that just after the attempt
        // that failed the job), with nothing queued or scheduled to run it again
        var monitoring = worker.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var until = DateTime.UtcNow.AddMinutes(1);
        while (monitoring.FailedCount() == 0)
        {
            Assert.True(DateTime.UtcNow < until, "the failing shard's Hangfire job never reached Failed");
            await Task.Delay(100);
        }
        Assert.Equal(1, monitoring.FailedCount());
        Assert.Equal(0, monitoring.ScheduledCount());
        Assert.Equal(0, monitoring.EnqueuedCount("shards"));
        Assert.Equal(3, File.ReadAllLines(attempts).Length);
    }
}
