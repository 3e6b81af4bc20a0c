using System.Text.Json;

namespace GeoDense.Geo.Tests;

public class MosaicMemoryTests
{
    /// <summary>
    /// Generates a 20000 x 20000 three-band mosaic and stitches an identity model's scores over it in a child process
    /// (bench/Geo "mosaic-stitch"), which reports its own peak RSS (VmHWM). The output must be right, not just small.
    /// </summary>
    [Fact]
    public void TwentyThousandSquareMosaicStitchesUnderOneGibPeakRss()
    {
        using var dir = new TempDir();
        var bench = GeoBenchExecutable();
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var stdout = Tools.Run(dotnet, "exec", bench, "mosaic-stitch", "--size", "20000", "--dir", dir.Path);
        using var report = JsonDocument.Parse(stdout.Split('\n').Last(l => l.StartsWith('{')));
        var root = report.RootElement;
        double peakMiB = root.GetProperty("PeakRssMiB").GetDouble();
        Assert.True(peakMiB < 1024, $"peak RSS {peakMiB:F0} MiB");
        Assert.True(peakMiB > 50, $"implausible peak RSS {peakMiB:F0} MiB");

        using var input = Raster.Open(root.GetProperty("Input").GetString()!);
        using var output = Raster.Open(root.GetProperty("Output").GetString()!);
        Assert.Equal((20000, 20000, 1), (output.Width, output.Height, output.BandCount));
        Assert.Equal(input.GeoTransform, output.GeoTransform);
        Assert.Equal(32633, output.SpatialReference!.Epsg);
        var random = new Random(5);
        foreach (var window in Enumerable.Range(0, 12).Select(_ => new PixelWindow(random.Next(0, 19936), random.Next(0, 19936), 64, 64))
                     .Append(new PixelWindow(19936, 19936, 64, 64)).Append(new PixelWindow(0, 0, 64, 64)))
        {
            var bands = input.Read<byte>(window, [1, 2, 3]);
            var classes = output.Read<byte>(window, [1]);
            int plane = 64 * 64;
            for (int p = 0; p < plane; p++)
            {
                byte a = bands[p], b = bands[plane + p], c = bands[2 * plane + p];
                Assert.Equal(a >= b && a >= c ? 0 : b >= c ? 1 : 2, classes[p]);
            }
        }
    }

    /// <summary>
    /// The bench's build next to this one (same configuration and framework): the job is the bench's, run from
    /// its own folder, so the tests need no reference to bench/ and the bench keeps the only copy of the job.
    /// </summary>
    private static string GeoBenchExecutable()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // tests/<project>/bin/<configuration>/<framework>
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "GeoDense.sln"))) root = root.Parent;
        Assert.True(root is not null, $"no GeoDense.sln above {output.FullName}");
        var bench = Path.Combine(root.FullName, "bench", "Geo", "bin", configuration, framework, "GeoDense.Geo.Bench.dll");
        Assert.True(File.Exists(bench), $"{bench} is missing: build the solution (or bench/Geo) with -c {configuration} first");
        return bench;
    }
}
