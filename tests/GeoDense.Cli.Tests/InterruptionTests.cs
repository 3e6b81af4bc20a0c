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
    public void Sigterm_during_segment_exits_143_and_leaves_nothing_at_a_final_path()
    {
        // 2048 x 2048 at 256/192 is 121 tiles in batches of 4: the signal comes after the first batch, while dozens
        // remain, and segment checks for it after every batch
        var input = files.PathOf("large.tif");
        if (!File.Exists(input)) SyntheticScene.Write(input, new SyntheticSceneOptions(2048, 2048, 3));
        var output = Directory.CreateTempSubdirectory("geodense-cli-sigterm-").FullName;
        try
        {
            // on the CPU whatever the machine has, so the run is long enough to be stopped half-way
            var pipeline = Path.Combine(output, "..", Path.GetFileName(output) + ".yaml");
            File.WriteAllText(pipeline, File.ReadAllText(files.Pipeline).Replace("device: auto", "device: cpu"));
            using var segment = new RunningGeodense("segment", "--pipeline", pipeline, "--weights", files.Weights,
                "--input", input, "--output", output, "--threads", "1");
            segment.WaitForLine(l => l.StartsWith("large.tif [", StringComparison.Ordinal), StartLimit);
            segment.Terminate();
            Assert.Equal(143, segment.WaitForExit(StopLimit));
            Assert.Contains("interrupted: 0 of 1 input(s) segmented;", segment.Err);
            // nothing at a final path: only the batch journal (no finished input) and the hidden unfinished class file
            // (its finished rows of blocks, if any, are in the journal) stay, so the same command resumes
            Assert.Equal([GeoDense.Tasks.Inference.BatchJournal.FileName, ".large_classes.unfinished.tif"],
                Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            File.Delete(output + ".yaml");
        }
    }

    [Fact]
    public void Sigterm_during_training_saves_a_checkpoint_of_what_finished_and_exits_143()
    {
        var root = Directory.CreateTempSubdirectory("geodense-cli-train-sigterm-").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            GeoDense.Tasks.Segmentation.SyntheticPotsdam.WriteTile(data, "1_1", 200, 200, seed: 1);
            GeoDense.Tasks.Segmentation.SyntheticPotsdam.WriteTile(data, "9_9", 96, 96, seed: 2);
            var pipeline = Path.Combine(root, "p.yaml");
            // a run far too long to end on its own, and no checkpoint of its own before the end
            File.WriteAllText(pipeline, ResumeTests.Yaml(data).Replace("iterations: 16", "iterations: 1000000")
                .Replace("checkpoint_every: 2", "checkpoint_every: 1000000").Replace("validate_every: 6", "validate_every: 1000000"));
            var work = Path.Combine(root, "run");
            using var train = new RunningGeodense("train", "segmentation", "--pipeline", pipeline, "--work-dir", work, "--threads", "1");
            train.WaitForLine(l => l.StartsWith("train [", StringComparison.Ordinal), StartLimit);
            train.Terminate();
            Assert.Equal(143, train.WaitForExit(StopLimit));
            Assert.Contains("interrupted: training interrupted after iteration", train.Err);
            Assert.Contains("run again with --resume to continue", train.Err);
            Assert.DoesNotContain("   at ", train.Err);
            // the checkpoint is complete (model and optimizer) and nothing temporary is left
            var checkpoints = Path.Combine(work, "checkpoints");
            var optimizer = Assert.Single(Directory.GetFiles(checkpoints, "*.optim.safetensors"));
            Assert.True(File.Exists(optimizer.Replace(".optim.safetensors", ".safetensors")));
            Assert.Empty(Directory.GetFiles(work, ".*partial*", SearchOption.AllDirectories));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
