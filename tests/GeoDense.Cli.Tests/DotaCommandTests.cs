using System.CommandLine;
using GeoDense.Cli.Commands;
using GeoDense.Geo;
using GeoDense.Tasks.Detection;
using GeoDense.Torch;

namespace GeoDense.Cli.Tests;

/// <summary>`geodense dota split|merge`, `geodense eval detection` and `geodense detect`, as a user runs them.</summary>
public class DotaCommandTests
{
    static readonly string Fixture = Path.Combine(GeodenseProcess.RepoRoot, "tests", "fixtures", "dota-eval");

    /// <summary>A 1500 x 400 grey PNG with two white-ish boxes, and its label file (one object difficult).</summary>
    static (string Images, string Labels) Scene(string dir)
    {
        string images = Path.Combine(dir, "images"), labels = Path.Combine(dir, "labelTxt");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(labels);
        int w = 1500, h = 400, plane = w * h;
        var rgb = new byte[3 * plane];
        Array.Fill(rgb, (byte)90);
        PngFile.WriteRgb(Path.Combine(images, "P0001.png"), rgb, w, h);
        File.WriteAllText(Path.Combine(labels, "P0001.txt"),
            "imagesource:GoogleEarth\ngsd:0.5\n100 100 160 100 160 130 100 130 plane 0\n900 200 960 200 960 240 900 240 ship 1\n");
        return (images, labels);
    }

    [Fact]
    public void Split_writes_devkit_named_patches_and_their_labels()
    {
        var dir = Directory.CreateTempSubdirectory("dotasplit").FullName;
        try
        {
            var (images, labels) = Scene(dir);
            var output = Path.Combine(dir, "split");
            var (code, stdout, stderr) = GeodenseProcess.Run("dota", "split", "--images", images, "--labels", labels, "--output", output);
            Assert.True(code == 0, stderr);
            Assert.Contains("1 image(s) -> 2 patches, 3 objects", stdout);   // the ship is wholly inside both windows
            Assert.Equal(["P0001__1.0__0___0.png", "P0001__1.0__476___0.png"],
                Directory.GetFiles(Path.Combine(output, "images")).Select(Path.GetFileName).Order());
            var second = File.ReadAllLines(Path.Combine(output, "labelTxt", "P0001__1.0__476___0.txt"));
            Assert.Equal(["imagesource:GoogleEarth", "gsd:0.5", "424 200 484 200 484 240 424 240 ship 1"], second);
            using var patch = Raster.Open(Path.Combine(output, "images", "P0001__1.0__0___0.png"));
            Assert.Equal((1024, 1024), (patch.Width, patch.Height));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_malformed_label_line_exits_2_naming_file_and_line_and_writes_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("dotabad").FullName;
        try
        {
            var (images, labels) = Scene(dir);
            File.AppendAllText(Path.Combine(labels, "P0001.txt"), "1 2 3 4 5 6 7 plane 0\n");
            var output = Path.Combine(dir, "split");
            var (code, _, stderr) = GeodenseProcess.Run("dota", "split", "--images", images, "--labels", labels, "--output", output);
            Assert.Equal(2, code);
            Assert.Equal($"error: {Path.Combine(labels, "P0001.txt")}:5: coordinate 8 'plane' is not a number", stderr.Trim());
            Assert.False(Directory.Exists(Path.Combine(output, "images")) && Directory.EnumerateFiles(Path.Combine(output, "images")).Any());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Merge_brings_patch_results_to_image_level_with_every_class_file()
    {
        var dir = Directory.CreateTempSubdirectory("dotamerge").FullName;
        try
        {
            var patches = Path.Combine(dir, "patches");
            Directory.CreateDirectory(patches);
            File.WriteAllText(Path.Combine(patches, "Task1_plane.txt"),
                "P0001__1.0__0___0 0.9 830 10 870 10 870 30 830 30\nP0001__1.0__824___0 0.8 6 10 46 10 46 30 6 30\n");
            File.WriteAllText(Path.Combine(patches, "Task1_ship.txt"), "");
            var output = Path.Combine(dir, "merged");
            var zip = Path.Combine(dir, "sub.zip");
            var (code, stdout, stderr) = GeodenseProcess.Run("dota", "merge", "--input", patches, "--output", output, "--zip", zip, "--iou", "0.1");
            Assert.True(code == 0, stderr);
            Assert.Contains("2 patch detections -> 1 in 1 image(s)", stdout);
            Assert.Equal("P0001 0.9 830 10 870 10 870 30 830 30\n", File.ReadAllText(Path.Combine(output, "Task1_plane.txt")));
            Assert.Equal("", File.ReadAllText(Path.Combine(output, "Task1_ship.txt")));
            Assert.True(File.Exists(zip));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Eval_detection_scores_a_submission_zip_and_ends_with_the_map()
    {
        var dir = Directory.CreateTempSubdirectory("dotaeval").FullName;
        try
        {
            var zip = Path.Combine(dir, "basic.zip");
            System.IO.Compression.ZipFile.CreateFromDirectory(Path.Combine(Fixture, "basic", "submission"), zip);
            var (code, stdout, stderr) = GeodenseProcess.Run("eval", "detection", "--submission", zip, "--labels", Path.Combine(Fixture, "basic", "labels"));
            Assert.True(code == 0, stderr);
            var lines = stdout.Trim().Split('\n');
            Assert.Equal("mAP: 0.0649", lines[^1]);            // DOTA_devkit: 0.06487012987012987 (expected.json)
            Assert.Equal(17, lines.Length);                    // header, 15 classes, mAP
            Assert.Contains(lines, l => l.StartsWith("small-vehicle") && l.Contains("0.5818"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Eval_detection_without_labels_is_one_error_line()
    {
        var (code, _, stderr) = GeodenseProcess.Run("eval", "detection", "--submission", Path.Combine(Fixture, "basic", "submission"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: eval detection: give --submission", stderr.Trim());
    }

    [Fact]
    public void Detect_runs_a_loaded_detector_and_writes_task1_files_a_zip_and_previews()
    {
        var dir = Directory.CreateTempSubdirectory("dotadetectcli").FullName;
        try
        {
            var (images, _) = Scene(dir);
            var pipeline = Path.Combine(dir, "det.yaml");
            File.WriteAllText(pipeline, "task: detection\nmodel:\n  backbone: lemevit-nano\n  head: oriented-rcnn\n  classes: [plane, ship]\n" +
                                        "tiling: { size: 512, stride: 412 }\ndevice: cpu\n");
            var weights = Path.Combine(dir, "w.safetensors");
            File.WriteAllText(weights, "");
            // the seam: a model loader; this one reports one fixed plane in the middle of every window
            DetectorLoader load = (_, _, _, device) => new LoadedDetector(images =>
                Enumerable.Range(0, (int)images.Shape[0]).Select(_ => new WindowDetections(
                    Tensor.FromArray(new float[] { 256, 256, 40, 20, 0 }, 1, 5), Tensor.FromArray(new float[] { 0.5f }, 1),
                    Tensor.FromArray(new long[] { 0 }, 1))).ToList(), device, []);
            var output = Path.Combine(dir, "out");
            var zip = Path.Combine(dir, "submission.zip");
            var root = new RootCommand { DetectCommand.Create(load) };
            int code = root.Parse(["detect", "--pipeline", pipeline, "--weights", weights, "--input", images, "--output", output,
                                   "--dota-submission", zip]).Invoke();
            Assert.Equal(0, code);
            var planes = File.ReadAllLines(Path.Combine(output, "Task1", "Task1_plane.txt"));
            Assert.Equal(4, planes.Length);                   // 1500 x 400 at 512 / 412: 4 windows in a row, no two boxes overlap
            Assert.All(planes, l => Assert.StartsWith("P0001 0.5 ", l));
            Assert.Equal("", File.ReadAllText(Path.Combine(output, "Task1", "Task1_ship.txt")));
            Assert.True(File.Exists(Path.Combine(output, "P0001_detections.png")));
            Assert.True(File.Exists(zip));
        }
        finally { Directory.Delete(dir, true); }
    }
}
