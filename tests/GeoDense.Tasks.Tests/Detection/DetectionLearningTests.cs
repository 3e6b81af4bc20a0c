using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using Xunit.Abstractions;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// Learning: lemevit-nano + reduced Oriented R-CNN heads trained for a few minutes on generated oriented-object scenes
/// of three classes must reach mAP >= 0.5 on a held-out scene processed as a user's would be: split into windows,
/// detected, merged by per-class rotated NMS, written as a Task1 submission zip, read back and scored by the DOTA
/// Task1 evaluation.
/// </summary>
[Collection(SerialCollection.Name)]
public class DetectionLearningTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("geodense-detlearn-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Nano_detector_learns_synthetic_oriented_objects()
    {
        var train = Path.Combine(dir, "train");
        var val = Path.Combine(dir, "val");
        SyntheticObjects.WriteDataset(train, count: 24, size: 256, objectsPerImage: 6, seed: 11);
        SyntheticObjects.WriteDataset(val, count: 1, size: 400, objectsPerImage: 12, seed: 12, prefix: "H");
        var pipeline = PipelineFile.Load<DetectionPipeline>(Path.Combine(RepoRoot(), "pipelines", "demo-detection.yaml")) with { };
        pipeline = pipeline with
        {
            Train = pipeline.Train! with
            {
                Data = new DataSection { Format = "dota", Root = train },
                Val = new DataSection { Format = "dota", Root = val },
                WorkDir = Path.Combine(dir, "run"),
                // measured: mAP 0.96 after 100 iterations at lr 1e-3 (0.97-1.0 at 200 and 300), but 0.67 when the rate
                // already drops at 80; 120 iterations with the drop at 110 keep the test short and the margin wide
                Iterations = 120,
                Schedule = pipeline.Train!.Schedule with { Steps = [110] },
                ValidateEvery = 120,
                CheckpointEvery = 120,
            },
            Device = "cpu",
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = new DetectionTrainer(pipeline, Path.Combine(dir, "run"), Device.Cpu).Run(resume: false);
        var metrics = Assert.IsType<DetectionMetrics>(result.Validation);
        output.WriteLine($"{pipeline.Train!.Iterations} iterations in {clock.Elapsed.TotalSeconds:F0} s");
        output.WriteLine(File.ReadAllText(Path.Combine(dir, "run", "val.csv")));
        output.WriteLine(metrics.Result.ToTable());
        Assert.True(File.Exists(Path.Combine(dir, "run", "val-detections", "submission.zip")));
        Assert.True(metrics.MeanAp >= 0.5, $"mAP {metrics.MeanAp:F3} after {pipeline.Train!.Iterations} iterations:\n{metrics.Result.ToTable()}");
    }

    static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GeoDense.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
