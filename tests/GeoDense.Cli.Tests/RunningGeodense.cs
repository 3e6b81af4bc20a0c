using System.Collections.Concurrent;
using System.Diagnostics;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A `geodense` child process that keeps running while a test watches its output and signals it: tests wait for a
/// line that proves work has started (never for a fixed time), then send a signal and read the exit code.
/// </summary>
public sealed class RunningGeodense : IDisposable
{
    private readonly Process process;
    private readonly BlockingCollection<string> lines = [];
    private readonly ConcurrentQueue<string> stdout = new(), stderr = new();

    public RunningGeodense(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "geodense.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) { stdout.Enqueue(l); lines.Add(l); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) { stderr.Enqueue(l); lines.Add(l); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Out => string.Join('\n', stdout);
    public string Err => string.Join('\n', stderr);

    /// <summary>
    /// Blocks until a line (stdout or stderr) matches. The limit only turns a hung or crashed child into a clear
    /// failure; the test's outcome never depends on it.
    /// </summary>
    public string WaitForLine(Func<string, bool> matches, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (lines.TryTake(out var line, TimeSpan.FromMilliseconds(200)) && matches(line)) return line;
            if (process.HasExited && lines.Count == 0) break;
        }
        throw new Xunit.Sdk.XunitException($"no matching line from geodense (exited: {process.HasExited}).\nstdout:\n{Out}\nstderr:\n{Err}");
    }

    /// <summary>Sends SIGTERM through kill(1), as a service manager or a container runtime does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public int WaitForExit(TimeSpan limit)
    {
        Assert.True(process.WaitForExit(limit), $"geodense did not stop within {limit}.\nstderr:\n{Err}");
        process.WaitForExit(); // drains the asynchronous readers
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
        lines.Dispose();
    }
}
