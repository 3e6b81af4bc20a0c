using System.Diagnostics;

namespace GeoDense.Worker.Tests;

/// <summary>
/// Two `geodense worker` processes on one PostgreSQL database share a 3-shard job; the first is SIGKILLed in the
/// middle of a shard (a test hook holds that shard until the kill, so "mid-shard" is a fact, not a timing guess).
/// The survivor takes the orphaned shard once its invisibility timeout passes, assembles the job, and the output
/// equals the one-process run: no shard lost, none applied twice.
/// </summary>
[Collection("worker")]
public sealed class PostgresCrashTests(WorkerFiles files)
{
    /// <summary>GEODENSE_TEST_POSTGRES (set by `./geodense test`), else the loopback cluster tools/postgres-for-tests.sh starts.</summary>
    static string ConnectionString()
    {
        if (Environment.GetEnvironmentVariable("GEODENSE_TEST_POSTGRES") is { Length: > 0 } set) return set;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(WorkerFiles.RepoRoot, "tools", "postgres-for-tests.sh"));
        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        script.WaitForExit();
        Assert.True(script.ExitCode == 0, $"tools/postgres-for-tests.sh failed: {stderr.Result}");
        return stdout.Result.Trim().Split('\n')[^1];
    }

    string WriteConfig(string name, string schema, string? holdMarker)
    {
        var path = Path.Combine(files.Root, name);
        File.WriteAllText(path, $"""
            worker:
              storage: postgresql
              postgres_schema: {schema}
              shard_rows: {WorkerFiles.ShardRows}
              queue_poll_interval: "00:00:00.500"
              invisibility_timeout: "00:00:15"
              shutdown_timeout: "00:00:05"
            {(holdMarker is null ? "" : $"  hold_shard_for_tests: 1\n  hold_shard_marker: {holdMarker}\n")}
            """);
        return path;
    }

    [Fact]
    public async Task A_job_survives_a_worker_killed_mid_shard_and_equals_the_one_process_run()
    {
        var connection = ConnectionString();
        var schema = $"t{Guid.NewGuid():N}"[..20];
        try { await Run(connection, schema); }
        finally { await DropSchema(connection, schema); }
    }

    /// <summary>Each run has its own Hangfire schema; dropped afterwards so the test database does not grow.</summary>
    static async Task DropSchema(string connection, string schema)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", db);
        await drop.ExecuteNonQueryAsync();
    }

    async Task Run(string connection, string schema)
    {
        var marker = Path.Combine(files.Root, $"held-{schema}");
        var output = $"out-pg-{schema}";
        using var first = WorkerProcess.Start(files.Root, WriteConfig($"{schema}-a.yaml", schema, marker), connection);
        await first.WaitReady();
        using var client = new WorkerClient(first.Url);
        var id = await client.Submit(WorkerClient.SegmentationJob(output, "scenes/scene.tif"));

        // the first worker is the only one running: it takes shard 1 sooner or later and holds it
        await first.WaitForFile(marker, TimeSpan.FromMinutes(3));
        using var second = WorkerProcess.Start(files.Root, WriteConfig($"{schema}-b.yaml", schema, holdMarker: null), connection);
        await second.WaitReady();
        first.Process.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
        await first.Process.WaitForExitAsync();

        using var survivor = new WorkerClient(second.Url);
        var status = await survivor.WaitForEnd(id, TimeSpan.FromMinutes(5));
        Assert.True(status.GetProperty("state").GetString() == "succeeded", $"{status}\n{second.Log}");
        var shards = status.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal(3, shards.Count);
        Assert.All(shards, s => Assert.True(s.GetProperty("done").GetBoolean()));
        // each shard's output was written exactly once: the killed attempt left nothing at the final name
        Assert.All(shards, s => Assert.Equal(1, s.GetProperty("completions").GetInt32()));
        files.AssertEqualsReference(Path.Combine(files.Root, output));
    }
}
