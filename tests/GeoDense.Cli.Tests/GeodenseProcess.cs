using System.Diagnostics;

namespace GeoDense.Cli.Tests;

/// <summary>Runs the built CLI as a user does: a child process, exit code and both output streams.</summary>
public static class GeodenseProcess
{
    public static readonly string RepoRoot = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GeoDense.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (GeoDense.sln) not found above " + AppContext.BaseDirectory);
    }

    public static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        using var process = Start(args, out var stdout, out var stderr);
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the CLI without waiting (to signal or kill it); both streams are drained in the background.</summary>
    public static Process Start(string[] args, out Task<string> stdout, out Task<string> stderr)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "geodense.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
        return process;
    }
}
