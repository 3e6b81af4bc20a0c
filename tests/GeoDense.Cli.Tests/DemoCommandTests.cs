namespace GeoDense.Cli.Tests;

/// <summary>
/// `geodense demo --smoke`: the whole demo (area, three trainings, three task runs, scores, page) on a small area with
/// two iterations per model. Checks that every output is written, the models are kept with their pipelines, the
/// commands to reuse them and the metrics table are printed, and a second run reuses the models — not the accuracy.
/// </summary>
public class DemoCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("geodense-demo-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Smoke_demo_writes_every_output_and_prints_the_metrics_table()
    {
        var output = Path.Combine(dir, "demo-output");
        var (code, stdout, stderr) = GeodenseProcess.Run("demo", "--smoke", "--output", output);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");

        string[] files =
        [
            "area/date1.tif", "area/date2.tif", "truth/change_mask.tif", "truth/classes.png", "truth/labelTxt/area.txt",
            "segmentation/date1_classes.tif", "segmentation/date1_classes.geojson", "segmentation/date1_preview.png",
            "detection/area_detections.geojson", "detection/area_detections.png", "detection/Task1.zip",
            "change/date1_date2_change.tif", "change/date1_date2_change.geojson", "change/date1_date2_change_preview.png",
            "change/date1_date2_change_summary.json", "index.html",
        ];
        foreach (var task in new[] { "segmentation", "detection", "change" })
            files = [.. files, $"models/{task}/pipeline.yaml", $"models/{task}/weights.safetensors"];
        var missing = files.Where(f => !File.Exists(Path.Combine(output, f))).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing) + "\n" + stdout);

        foreach (var line in new[] { "segmentation", "OA", "mIoU", "detection", "mAP", "change", "F1", "IoU" })
            Assert.Contains(line, stdout);
        foreach (var command in new[] { "./geodense segment --pipeline", "./geodense detect --pipeline", "./geodense change --pipeline" })
            Assert.Contains(command, stdout);
        var page = File.ReadAllText(Path.Combine(output, "index.html"));
        foreach (var layer in new[] { "\"date 1\"", "\"date 2\"", "\"classes\"", "\"detections\"", "\"change map\"" })
            Assert.Contains(layer, page);

        // a second run reuses the three models
        var again = GeodenseProcess.Run("demo", "--smoke", "--output", output);
        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}\n{again.Out}\n{again.Err}");
        Assert.Equal(3, again.Out.Split('\n').Count(l => l.Contains("reusing")));
    }
}
