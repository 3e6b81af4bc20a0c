using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using GeoDense.Geo;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Detection.Dota;
using Xunit.Abstractions;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A new user's detection path, each step a `geodense` process: train a tiny Oriented R-CNN on DOTA-layout folders,
/// detect with its weights on a georeferenced GeoTIFF and on a plain PNG, then `eval detection` with the weights.
/// Few iterations: the test checks the path and the files, not how well the model learns (DetectionLearningTests does).
/// </summary>
public class DetectionCommandTests(ITestOutputHelper output)
{
    /// <summary>A tiny detection pipeline over DOTA v1.0's 15 classes (the scenes hold three of them).</summary>
    internal static string Yaml(string train, string val, int iterations) => $$"""
        task: detection
        model:
          backbone: lemevit-nano
          head: oriented-rcnn
          classes: [{{string.Join(", ", DotaClasses.V1)}}]
          fpn_channels: 16
          fc_channels: 32
          rpn: { pre_nms_top: 200, nms_iou: 0.8, max_proposals: 100 }
          rcnn: { score_threshold: 0.05, nms_iou: 0.1, max_per_image: 50 }
          merge_nms_iou: 0.1
        input: { bands: [1, 2, 3], mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }
        tiling: { size: 128, stride: 100, batch_size: 2 }
        output: { formats: [geojson] }
        train:
          data: { format: dota, root: {{train}} }
          val: { format: dota, root: {{val}} }
          iterations: {{iterations}}
          batch_size: 2
          optimizer: { type: adamw, lr: 0.001, weight_decay: 0.05 }
          schedule: { type: step, warmup_iters: {{iterations / 4}}, warmup_ratio: 0.001, steps: [{{iterations * 3 / 4}}], gamma: 0.1 }
          grad_clip_norm: 35
          augment: { horizontal_flip: 0.5, vertical_flip: 0.5 }
          checkpoint_every: 2
          validate_every: 6
          log_every: 1
          work_dir: unused
          seed: 7
        device: cpu
        """;

    /// <summary>Training and validation scenes in DOTA's layout (images/, labelTxt/).</summary>
    internal static (string Train, string Val) Data(string root)
    {
        string train = Path.Combine(root, "train"), val = Path.Combine(root, "val");
        SyntheticObjects.WriteDataset(train, count: 4, size: 160, objectsPerImage: 4, seed: 1);
        SyntheticObjects.WriteDataset(val, count: 1, size: 200, objectsPerImage: 5, seed: 2, prefix: "V");
        return (train, val);
    }

    [Fact]
    public void A_new_user_trains_detects_on_a_geotiff_and_a_png_and_scores_through_the_cli()
    {
        var root = Directory.CreateTempSubdirectory("geodense-detcli-").FullName;
        try
        {
            var (train, val) = Data(root);
            var pipeline = Path.Combine(root, "det.yaml");
            File.WriteAllText(pipeline, Yaml(train, val, iterations: 4));
            var work = Path.Combine(root, "run");

            var (code, stdout, stderr) = GeodenseProcess.Run("train", "detection", "--pipeline", pipeline, "--work-dir", work, "--threads", "1");
            Assert.True(code == 0, stderr);
            var weights = Path.Combine(work, "latest.safetensors");
            Assert.Contains($"weights: {weights}", stdout);

            // one georeferenced GeoTIFF (EPSG:32633, 0.5 m) and one PNG without any georeference
            var (pixels, _) = SyntheticObjects.Render(240, 6, new Random(3));
            var tif = Path.Combine(root, "inputs", "scene.tif");
            Directory.CreateDirectory(Path.GetDirectoryName(tif)!);
            var transform = GeoTransform.NorthUp(400_000, 5_800_000, 0.5);
            using (var writer = RasterWriter.Create(tif, new RasterSpec(240, 240, 3, RasterDataType.Byte, transform, SpatialReference.FromEpsg(32633))))
            {
                writer.Write<byte>(PixelWindow.Full(240, 240), [1, 2, 3], pixels);
                writer.Commit();
            }
            var png = Path.Combine(root, "inputs", "snapshot.png");
            PngFile.WriteRgb(png, pixels, 240, 240);

            var outputDir = Path.Combine(root, "out");
            var zip = Path.Combine(root, "submission.zip");
            (code, stdout, stderr) = GeodenseProcess.Run("detect", "--pipeline", pipeline, "--weights", weights, "--input", tif, png,
                "--output", outputDir, "--dota-submission", zip, "--threads", "1");
            Assert.True(code == 0, stderr);
            Assert.Contains($"DOTA submission: {zip}", stdout);
            output.WriteLine(stdout);

            // the zip as the server expects it: one Task1_<class>.txt per class at the top level, lines of
            // `image score x1 y1 ... x4 y4` naming the inputs without extension
            using (var archive = ZipFile.OpenRead(zip))
            {
                Assert.Equal(DotaClasses.V1.Select(Task1Submission.FileName).Order(), archive.Entries.Select(e => e.FullName).Order());
                foreach (var entry in archive.Entries)
                {
                    using var reader = new StreamReader(entry.Open());
                    foreach (var line in reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var fields = line.Split(' ');
                        Assert.Equal(10, fields.Length);
                        Assert.Contains(fields[0], new[] { "scene", "snapshot" });
                        var score = double.Parse(fields[1], CultureInfo.InvariantCulture);
                        Assert.InRange(score, 0.05, 1.0);
                        Assert.All(fields[2..], f => Assert.True(double.IsFinite(double.Parse(f, CultureInfo.InvariantCulture)), line));
                    }
                }
            }

            // the GeoTIFF's polygons are in its CRS, in map metres; the PNG (no georeference) gets none
            var geojson = JsonNode.Parse(File.ReadAllText(Path.Combine(outputDir, "scene_detections.geojson")))!;
            Assert.Contains("32633", geojson["crs"]!["properties"]!["name"]!.GetValue<string>());
            var features = geojson["features"]!.AsArray();
            int sceneLines = ZipLines(zip).Count(l => l.StartsWith("scene ", StringComparison.Ordinal));
            // the same pixels with and without a georeference: the same detections
            Assert.Equal(sceneLines, ZipLines(zip).Count(l => l.StartsWith("snapshot ", StringComparison.Ordinal)));
            Assert.Equal(sceneLines, features.Count);
            foreach (var feature in features)
            {
                Assert.Contains(feature!["properties"]!["class_name"]!.GetValue<string>(), DotaClasses.V1);
                foreach (var point in feature["geometry"]!["coordinates"]![0]!.AsArray())
                {
                    // within the raster's footprint (120 m square), give or take a box sticking out of the edge
                    Assert.InRange(point![0]!.GetValue<double>(), 400_000 - 60, 400_120 + 60);
                    Assert.InRange(point[1]!.GetValue<double>(), 5_800_000 - 120 - 60, 5_800_000 + 60);
                }
            }
            Assert.False(File.Exists(Path.Combine(outputDir, "snapshot_detections.geojson")));

            // a preview per input: the image with a class legend beside it
            foreach (var stem in new[] { "scene", "snapshot" })
            {
                using var preview = Raster.Open(Path.Combine(outputDir, $"{stem}_detections.png"));
                Assert.True(preview.Width > 240, $"{stem}: preview {preview.Width} px wide, no room for the legend");
            }

            var metrics = Path.Combine(root, "eval.json");
            (code, stdout, stderr) = GeodenseProcess.Run("eval", "detection", "--pipeline", pipeline, "--weights", weights, "--data", val,
                "--output", metrics, "--threads", "1");
            Assert.True(code == 0, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var mapLine = Assert.Single(lines, l => l.StartsWith("mAP: ", StringComparison.Ordinal));
            Assert.Matches(@"^mAP: [01]\.\d{4}$", mapLine);
            Assert.All(DotaClasses.V1, c => Assert.Contains(lines, l => l.StartsWith(c + " ", StringComparison.Ordinal)));
            Assert.True(File.Exists(metrics));
        }
        finally { Directory.Delete(root, true); }
    }

    static IEnumerable<string> ZipLines(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.SelectMany(e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }).ToList();
    }
}
