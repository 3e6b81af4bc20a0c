using GeoDense.Geo;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Cli.Tests;

/// <summary>
/// Inputs a new user gets wrong, one row per kind of mistake found by sweeping the CLI (SPEC §8): each exits 2 with one
/// `error:` line naming the file or option and the problem, no stack trace, and nothing partial in the output folder.
/// Only weight key lists may add indented detail lines under the error.
/// </summary>
public class AwkwardInputTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    /// <summary>A case: the arguments (built in a fresh scratch folder, the second argument) and a phrase the error must hold.</summary>
    sealed record Case(Func<SegmentationFiles, string, string[]> Args, Func<string, string> Expected, bool KeyListDetails = false);

    static readonly Dictionary<string, Case> Cases = new()
    {
        // inputs
        ["empty output path"] = new((f, dir) =>
            ["segment", "--pipeline", f.Pipeline, "--weights", f.Weights, "--input", Scene(Path.Combine(dir, "scene.tif")), "--output", "", "--threads", "1"],
            _ => "--output: the path is empty"),
        ["empty raster path for info"] = new((_, _) => ["info", ""], _ => "info: the raster path is empty"),
        ["input list file missing"] = new((f, dir) => Segment(f, dir, "@" + Path.Combine(dir, "no-list.txt")),
            dir => $"{Path.Combine(dir, "no-list.txt")}: input list file not found"),
        ["input list names a missing file"] = new((f, dir) =>
        {
            File.WriteAllLines(Path.Combine(dir, "list.txt"), ["# mosaics", "gone.tif"]);
            return Segment(f, dir, "@" + Path.Combine(dir, "list.txt"));
        }, dir => $"gone.tif: input file not found (listed in {Path.Combine(dir, "list.txt")})"),
        ["outputs would overwrite an input"] = new((f, dir) =>
        {
            var scene = Scene(Path.Combine(dir, "scene.tif"));
            var earlier = Scene(Path.Combine(dir, "scene_classes.tif"));
            return ["segment", "--pipeline", f.Pipeline, "--weights", f.Weights, "--input", scene, earlier, "--output", dir, "--threads", "1"];
        }, dir => $"{Path.Combine(dir, "scene_classes.tif")}: is an input and would be overwritten"),
        ["truncated geotiff after a good one"] = new((f, dir) =>
        {
            var whole = Scene(Path.Combine(dir, "whole.tif"));
            var bytes = File.ReadAllBytes(whole);
            File.WriteAllBytes(Path.Combine(dir, "half.tif"), bytes[..(bytes.Length / 2)]);
            return ["segment", "--pipeline", f.Pipeline, "--weights", f.Weights, "--input", whole, Path.Combine(dir, "half.tif"),
                "--output", Path.Combine(dir, "out"), "--threads", "1"];
        }, dir => $"{Path.Combine(dir, "half.tif")}' failed"),
        ["info on a truncated geotiff"] = new((_, dir) =>
        {
            var whole = Scene(Path.Combine(dir, "whole.tif"));
            var bytes = File.ReadAllBytes(whole);
            File.WriteAllBytes(Path.Combine(dir, "half.tif"), bytes[..(bytes.Length / 2)]);
            return ["info", Path.Combine(dir, "half.tif")];
        }, _ => "truncated"),
        // outputs
        ["eval output on a read-only file system"] = new((f, dir) => Eval(f, dir, "/proc/geodense-eval.json"),
            _ => "/proc/geodense-eval.json: cannot write there"),
        ["eval output under a file"] = new((f, dir) =>
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "a file, not a folder");
            return Eval(f, dir, Path.Combine(dir, "notes.txt", "metrics.json"));
        }, dir => $"{Path.Combine(dir, "notes.txt")} is a file, not a folder"),
        ["demo output under a file"] = new((_, dir) =>
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "a file, not a folder");
            return ["demo", "--output", Path.Combine(dir, "notes.txt", "demo")];
        }, dir => $"{Path.Combine(dir, "notes.txt")} is a file, not a folder"),
        ["eval output is the weights file"] = new((f, dir) =>
        {
            var weights = Path.Combine(dir, "weights.safetensors");
            File.Copy(f.Weights, weights);
            return ["eval", "segmentation", "--pipeline", f.Pipeline, "--weights", weights, "--data", Path.Combine(dir, "data"), "--output", weights];
        }, dir => $"{Path.Combine(dir, "weights.safetensors")}: is the --weights file and would be overwritten"),
        ["convert output is a folder"] = new((f, dir) =>
            ["model", "convert", "--arch", "lemevit-nano", "--weights", f.Weights, "--output", dir], dir => $"{dir}: is a folder"),
        // weights
        ["empty weights"] = new((f, dir) =>
        {
            File.WriteAllBytes(Path.Combine(dir, "empty.safetensors"), []);
            return Segment(f, dir, Scene(Path.Combine(dir, "scene.tif")), weights: Path.Combine(dir, "empty.safetensors"));
        }, dir => $"{Path.Combine(dir, "empty.safetensors")}: cannot read weights: not a safetensors file: file has 0 bytes"),
        ["weights of another head width"] = new((f, dir) =>
        {
            var wide = Path.Combine(dir, "wide.yaml");
            File.WriteAllText(wide, File.ReadAllText(f.Pipeline).Replace("channels: 64", "channels: 48").Replace("aux_channels: 32", "aux_channels: 24"));
            return Segment(f, dir, Scene(Path.Combine(dir, "scene.tif")), pipeline: wide);
        }, dir => $"weights are lemevit-nano + upernet(64, aux 32); pipeline {Path.Combine(dir, "wide.yaml")} asks lemevit-nano + upernet(48, aux 24)",
            KeyListDetails: true),
        ["backbone weights of another variant"] = new((f, dir) =>
                ["model", "convert", "--arch", "lemevit-tiny", "--weights", f.Weights, "--output", Path.Combine(dir, "tiny.safetensors")],
            _ => "weights are lemevit-nano; --arch asks lemevit-tiny", KeyListDetails: true),
        // pipelines
        ["pipeline is a folder"] = new((f, dir) => Segment(f, dir, Scene(Path.Combine(dir, "scene.tif")), pipeline: dir),
            dir => $"{dir}: is a folder; --pipeline needs a pipeline file"),
        ["pipeline of another task"] = new((f, _) => ["train", "classification", "--pipeline", f.Pipeline],
            _ => "pipeline task is 'segmentation', this command needs 'classification'"),
        ["training tiles that do not exist"] = new((_, dir) => Train(dir, "tiles: [1_1]", "tiles: [1_1, 7_7]"),
            _ => "tiles 7_7 not found"),
        ["training bands the rasters lack"] = new((_, dir) => Train(dir, "bands: [1, 2, 3]", "bands: [1, 2, 7]"),
            _ => "has 3 band(s) but the pipeline reads bands 1,2,7"),
        ["eval labels in no potsdam colour"] = new((f, dir) =>
        {
            var data = Path.Combine(dir, "data");
            SyntheticPotsdam.WriteTile(data, "9_9", 64, 64, seed: 3);
            // synthetic scene values are 1..250: never the 0/255 channels of a Potsdam colour
            foreach (var label in Directory.GetFiles(data, "*_label*.tif", SearchOption.AllDirectories))
                SyntheticScene.Write(label, new SyntheticSceneOptions(64, 64));
            return ["eval", "segmentation", "--pipeline", f.Pipeline, "--weights", f.Weights, "--data", data,
                "--output", Path.Combine(dir, "metrics.json"), "--threads", "1"];
        }, _ => "no pixel matches a class of the pipeline"),
        // numbers
        ["classification crop too small for the backbone"] = new((_, dir) =>
        {
            foreach (var name in new[] { "a", "b" })
                SyntheticScene.Write(Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "scenes", name)).FullName, "x.tif"), new SyntheticSceneOptions(32, 32));
            var pipeline = Path.Combine(dir, "scenes.yaml");
            File.WriteAllText(pipeline, $$"""
                task: classification
                model: { backbone: lemevit-nano, head: linear, classes: [a, b] }
                train:
                  data: { format: folder, root: {{Path.Combine(dir, "scenes")}} }
                  iterations: 1
                  batch_size: 2
                  schedule: { warmup_iters: 0 }
                  augment: { crop_size: 4 }
                  work_dir: {{Path.Combine(dir, "work")}}
                device: cpu
                """);
            return ["train", "classification", "--pipeline", pipeline, "--threads", "1"];
        }, _ => "train.augment.crop_size 4: dual cross-attention needs at least 2 image tokens"),
        ["bench size too small for the backbone"] = new((_, _) => ["model", "bench", "--arch", "lemevit-nano", "--batch", "1", "--size", "1", "--seconds", "1"],
            _ => "--size 1: dual cross-attention needs at least 2 image tokens"),
        ["bench seconds not a number"] = new((_, _) => ["model", "bench", "--arch", "lemevit-nano", "--batch", "1", "--size", "64", "--seconds", "NaN"],
            _ => "--seconds must be a positive number"),
        ["summary with zero classes"] = new((_, _) => ["model", "summary", "--arch", "lemevit-nano", "--num-classes", "0"],
            _ => "--num-classes must be at least 1"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Exits_2_with_one_error_line_and_leaves_nothing_partial(string name)
    {
        var dir = Directory.CreateTempSubdirectory("geodense-awkward-").FullName;
        try
        {
            var @case = Cases[name];
            var args = @case.Args(files, dir);
            var before = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(p => p, File.ReadAllBytes);
            var (code, _, stderr) = GeodenseProcess.Run(args);
            Assert.True(code == 2, $"exit {code}: {stderr}");
            Assert.DoesNotContain("   at ", stderr);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.Contains(@case.Expected(dir), error);
            var after = lines.SkipWhile(l => l != error).Skip(1).ToList();
            if (@case.KeyListDetails) Assert.All(after, l => Assert.StartsWith("  ", l));
            else Assert.Empty(after);

            // inputs untouched, no temporary or partial file anywhere in the scratch (output) folder
            foreach (var (path, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} was changed");
            var stray = Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p).Contains("partial", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(p).StartsWith(".geodense", StringComparison.Ordinal))
                .ToList();
            Assert.Empty(stray);
            Assert.DoesNotContain(Directory.GetFiles(dir, "*_classes.*", SearchOption.AllDirectories), p => !before.ContainsKey(p));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_list_file_line_with_spaces_and_unicode_is_one_path()
    {
        var dir = Directory.CreateTempSubdirectory("geodense-awkward-").FullName;
        try
        {
            // System.CommandLine's own @response files split lines at spaces; the list is InputList's
            Directory.CreateDirectory(Path.Combine(dir, "field work", "ünïcødé"));
            Scene(Path.Combine(dir, "field work", "ünïcødé", "scène 1.tif"));
            File.WriteAllLines(Path.Combine(dir, "list.txt"), ["# relative to the list's folder", "field work/ünïcødé/scène 1.tif"]);
            var (code, _, stderr) = GeodenseProcess.Run(Segment(files, dir, "@" + Path.Combine(dir, "list.txt")));
            Assert.True(code == 0, stderr);
            Assert.True(File.Exists(Path.Combine(dir, "out", "scène 1_classes.tif")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    static string Scene(string path)
    {
        SyntheticScene.Write(path, new SyntheticSceneOptions(96, 64));
        return path;
    }

    static string[] Segment(SegmentationFiles f, string dir, string input, string? pipeline = null, string? weights = null) =>
        ["segment", "--pipeline", pipeline ?? f.Pipeline, "--weights", weights ?? f.Weights, "--input", input,
            "--output", Path.Combine(dir, "out"), "--threads", "1"];

    static string[] Eval(SegmentationFiles f, string dir, string output) =>
        ["eval", "segmentation", "--pipeline", f.Pipeline, "--weights", f.Weights, "--data", Path.Combine(dir, "data"), "--output", output, "--threads", "1"];

    /// <summary>`train segmentation` on one small Potsdam tile, with <paramref name="find"/> in the pipeline replaced.</summary>
    static string[] Train(string dir, string find, string replace)
    {
        var data = Path.Combine(dir, "data");
        SyntheticPotsdam.WriteTile(data, "1_1", 96, 96, seed: 1);
        var yaml = $$"""
            task: segmentation
            model: { backbone: lemevit-nano, head: upernet, classes: [impervious_surface, building, low_vegetation, tree, car, clutter], ignore_index: 5, channels: 16, aux_channels: 8 }
            input: { bands: [1, 2, 3], mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }
            tiling: { size: 64, stride: 48 }
            train:
              data: { format: potsdam, root: {{data}}, tiles: [1_1] }
              iterations: 2
              schedule: { warmup_iters: 0 }
              batch_size: 1
              augment: { resize_base: 64, crop_size: 32 }
              work_dir: {{Path.Combine(dir, "work")}}
            device: cpu
            """;
        Assert.Contains(find, yaml);
        var pipeline = Path.Combine(dir, "train.yaml");
        File.WriteAllText(pipeline, yaml.Replace(find, replace));
        return ["train", "segmentation", "--pipeline", pipeline, "--threads", "1"];
    }
}
