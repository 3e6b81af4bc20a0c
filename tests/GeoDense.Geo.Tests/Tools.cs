using System.Diagnostics;

namespace GeoDense.Geo.Tests;

/// <summary>Runs GDAL's command-line tools (gdal-bin) to check our files with an independent reader.</summary>
public static class Tools
{
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {stderr}");
        return stdout.Result;
    }
}
