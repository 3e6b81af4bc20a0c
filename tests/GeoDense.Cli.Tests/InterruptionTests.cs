using GeoDense.Geo;

namespace GeoDense.Cli.Tests;

/// <summary>SIGTERM (a service manager, `docker stop`) stops a command within seconds: exit 143, one line, no partial file.</summary>
public class InterruptionTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3), StopLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Sigterm_stops_model_bench_with_exit_143()
    {
        // an hour of timing cannot end on its own during the test, whatever the machine's speed
        using var bench = new RunningGeodense("model", "bench", "--arch", "lemevit-nano", "--batch", "1", "--size", "64",
            "--seconds", "3600", "--threads", "1");
        bench.WaitForLine(l => l.StartsWith("timing lemevit-nano", StringComparison.Ordinal), StartLimit);
        bench.Terminate();
        Assert.Equal(143, bench.WaitForExit(StopLimit));
        Assert.Contains("interrupted: model bench stopped after", bench.Err);
        Assert.DoesNotContain("img/s", bench.Out);
        Assert.DoesNotContain("   at ", bench.Err);
    }

    [Fact]
    public void Sigterm_during_segment_exits_143_and_leaves_no_partial_file()
    {
        // 2048 x 2048 at 256/192 is 121 tiles in batches of 4: the signal comes after the first batch, while dozens
        // remain, and segment checks for it after every batch
        var input = files.PathOf("large.tif");
        if (!File.Exists(input)) SyntheticScene.Write(input, new SyntheticSceneOptions(2048, 2048, 3));
        var output = Directory.CreateTempSubdirectory("geodense-cli-sigterm-").FullName;
        try
        {
            using var segment = new RunningGeodense("segment", "--pipeline", files.Pipeline, "--weights", files.Weights,
                "--input", input, "--output", output, "--threads", "1");
            segment.WaitForLine(l => l.StartsWith("large.tif (1/1) [", StringComparison.Ordinal), StartLimit);
            segment.Terminate();
            Assert.Equal(143, segment.WaitForExit(StopLimit));
            Assert.Contains("interrupted: 0 of 1 input(s) segmented;", segment.Err);
            Assert.Empty(Directory.GetFiles(output, "*", SearchOption.AllDirectories));
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
