using GeoDense.Tasks.Classification;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A training run killed mid-way and resumed with --resume ends with exactly the weights of an uninterrupted
/// run: each run is its own process (its own libtorch generator, thread settings and .NET hash seeds), so nothing
/// but the checkpoint carries over. Dropout, photometric augmentation and mid-run validation are on, so the data
/// order, the augmentation and libtorch's generator must all be functions of (seed, iteration).
/// </summary>
public class ResumeTests
{
    internal static string Yaml(string data) => $$"""
        task: segmentation
        model:
          backbone: lemevit-nano
          head: upernet
          classes: [impervious_surface, building, low_vegetation, tree, car, clutter]
          ignore_index: 5
          channels: 16
          aux_channels: 8
          dropout: 0.1
        input: { bands: [1, 2, 3], mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }
        tiling: { size: 128, stride: 96, batch_size: 2 }
        train:
          data: { format: potsdam, root: {{data}}, tiles: [1_1] }
          val: { format: potsdam, root: {{data}}, tiles: [9_9] }
          iterations: 16
          batch_size: 2
          optimizer: { type: adamw, lr: 0.001, weight_decay: 0.05 }
          schedule: { type: poly, warmup_iters: 4, warmup_ratio: 0.001, power: 1.0 }
          augment: { resize_base: 128, ratio_range: [0.75, 1.5], crop_size: 64, photometric: true }
          checkpoint_every: 2
          validate_every: 6
          log_every: 1
          work_dir: unused
          seed: 7
        device: cpu
        """;

    static string ClassificationYaml(string train, string val) => $$"""
        task: classification
        model: { backbone: lemevit-nano, head: linear, classes: [farmland, forest, urban, water] }
        input: { bands: [1, 2, 3], mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }
        train:
          data: { format: folder, root: {{train}} }
          val: { format: folder, root: {{val}} }
          iterations: 16
          batch_size: 8
          optimizer: { type: adamw, lr: 0.002, weight_decay: 0.05 }
          schedule: { type: cosine, warmup_iters: 4, min_lr: 1.0e-5 }
          augment: { crop_size: 32 }
          checkpoint_every: 2
          validate_every: 6
          log_every: 1
          work_dir: unused
          seed: 7
        device: cpu
        """;

    [Fact]
    public void Segmentation_training_killed_and_resumed_equals_the_uninterrupted_run()
    {
        var root = Directory.CreateTempSubdirectory("geodense-resume-").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            SyntheticPotsdam.WriteTile(data, "1_1", 200, 200, seed: 1);
            SyntheticPotsdam.WriteTile(data, "9_9", 96, 96, seed: 2);
            AssertResumeReproducesTheRun(root, "segmentation", Yaml(data));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Classification_training_killed_and_resumed_equals_the_uninterrupted_run()
    {
        var root = Directory.CreateTempSubdirectory("geodense-resume-").FullName;
        try
        {
            var train = SyntheticScenes.Create(Path.Combine(root, "train"), perClass: 6, size: 40, seed: 1);
            var val = SyntheticScenes.Create(Path.Combine(root, "val"), perClass: 2, size: 40, seed: 2);
            AssertResumeReproducesTheRun(root, "classification", ClassificationYaml(train, val));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Detection_training_killed_and_resumed_equals_the_uninterrupted_run()
    {
        var root = Directory.CreateTempSubdirectory("geodense-resume-").FullName;
        try
        {
            // flips and the RPN / R-CNN samplers (libtorch's generator) make it depend on (seed, iteration) too
            var (train, val) = DetectionCommandTests.Data(root);
            AssertResumeReproducesTheRun(root, "detection", DetectionCommandTests.Yaml(train, val, iterations: 16));
        }
        finally { Directory.Delete(root, true); }
    }

    /// <summary>
    /// Trains 16 iterations straight; then builds the work folder of a run killed while saving the checkpoint after
    /// iteration 8 (checkpoints up to 6 complete, the model file of 8 without its optimizer file, logs that ran ahead)
    /// and resumes it in a new process: the final weights must equal the straight run's bit for bit.
    /// </summary>
    static void AssertResumeReproducesTheRun(string root, string task, string yaml)
    {
        var pipeline = Path.Combine(root, "p.yaml");
        File.WriteAllText(pipeline, yaml);
        string straight = Path.Combine(root, "straight"), interrupted = Path.Combine(root, "interrupted");
        string[] Train(string dir, params string[] extra) => ["train", task, "--pipeline", pipeline, "--work-dir", dir, "--threads", "1", .. extra];

        var (code, _, err) = GeodenseProcess.Run(Train(straight));
        Assert.True(code == 0, err);

        var checkpoints = Directory.CreateDirectory(Path.Combine(interrupted, "checkpoints")).FullName;
        foreach (var file in new[] { "iter_000002", "iter_000004", "iter_000006" }.SelectMany(c => new[] { c + ".safetensors", c + ".optim.safetensors" })
                     .Append("iter_000008.safetensors"))
            File.Copy(Path.Combine(straight, "checkpoints", file), Path.Combine(checkpoints, file));
        foreach (var log in new[] { "log.csv", "val.csv", "val.jsonl" })
            File.Copy(Path.Combine(straight, log), Path.Combine(interrupted, log));

        (code, _, err) = GeodenseProcess.Run(Train(interrupted, "--resume"));
        Assert.True(code == 0, err);
        Assert.Contains("iter_000006.safetensors at iteration 6", err);

        var expected = Safetensors.Read(Path.Combine(straight, "latest.safetensors"));
        var actual = Safetensors.Read(Path.Combine(interrupted, "latest.safetensors"));
        Assert.Equal(expected.Tensors.Keys, actual.Tensors.Keys);
        foreach (var (name, e) in expected.Tensors)
            Assert.True(e.Data.Span.SequenceEqual(actual.Tensors[name].Data.Span), $"{name} differs after resuming");
        // the logs read like one run: every iteration once, and the validations of both parts
        var iterations = File.ReadLines(Path.Combine(interrupted, "log.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToList();
        Assert.Equal(Enumerable.Range(0, 16), iterations);
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "val.csv")), File.ReadAllLines(Path.Combine(interrupted, "val.csv")));
    }

    [Fact]
    public void Resume_without_a_checkpoint_and_a_fresh_run_over_an_old_one_are_refused()
    {
        var root = Directory.CreateTempSubdirectory("geodense-resume-").FullName;
        try
        {
            var pipeline = Path.Combine(root, "p.yaml");
            var data = Path.Combine(root, "data");
            SyntheticPotsdam.WriteTile(data, "1_1", 200, 200, seed: 1);
            SyntheticPotsdam.WriteTile(data, "9_9", 96, 96, seed: 2);
            File.WriteAllText(pipeline, Yaml(data).Replace("iterations: 16", "iterations: 2").Replace("warmup_iters: 4", "warmup_iters: 1"));
            var work = Path.Combine(root, "run");

            var (code, _, err) = GeodenseProcess.Run("train", "segmentation", "--pipeline", pipeline, "--work-dir", work, "--resume");
            Assert.Equal(2, code);
            Assert.Contains("no complete checkpoint", err);
            Assert.DoesNotContain("   at ", err);

            (code, _, err) = GeodenseProcess.Run("train", "segmentation", "--pipeline", pipeline, "--work-dir", work, "--threads", "1");
            Assert.True(code == 0, err);
            (code, _, err) = GeodenseProcess.Run("train", "segmentation", "--pipeline", pipeline, "--work-dir", work);
            Assert.Equal(2, code);
            Assert.Contains("already holds a training run", err);
        }
        finally { Directory.Delete(root, true); }
    }
}
