using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace GeoDense.Worker.Tests;

/// <summary>A `geodense worker` child process on a free loopback port, killed (whole tree) when disposed if still running.</summary>
public sealed class WorkerProcess : IDisposable
{
    readonly Task<string> stdout, stderr;

    public string Url { get; }
    public Process Process { get; }
    public string Log => Process.HasExited ? $"{stdout.Result}\n{stderr.Result}" : "(running)";

    WorkerProcess(Process process, string url)
    {
        (Process, Url) = (process, url);
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <param name="postgres">connection string for `storage: postgresql` configurations</param>
    public static WorkerProcess Start(string dataRoot, string config, string? postgres = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = WorkerFiles.Geodense("worker", "--urls", url, "--data-root", dataRoot, "--config", config, "--threads", "1");
        start.Environment["GEODENSE_API_KEY"] = WorkerFiles.ApiKey;
        if (postgres is not null) start.Environment["GEODENSE_POSTGRES"] = postgres;
        return new WorkerProcess(Process.Start(start)!, url);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task WaitReady()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            Assert.False(Process.HasExited, $"worker exited with {(Process.HasExited ? Process.ExitCode : 0)}: {Log}");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException($"worker at {Url} not ready after 2 minutes");
            await Task.Delay(250);
        }
    }

    /// <summary>Waits for a test hook's marker file (the worker holds a shard once it exists).</summary>
    public async Task WaitForFile(string path, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!File.Exists(path))
        {
            Assert.False(Process.HasExited, $"worker exited before holding the shard: {Log}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"{path} did not appear within {deadline}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM, as a container runtime or Kubernetes stops a pod.</summary>
    public void Terminate() => Assert.Equal(0, kill(Process.Id, 15));

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
        Process.Dispose();
    }
}
