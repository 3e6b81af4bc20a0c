using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Worker.Tests;

/// <summary>
/// A data root for detection and change jobs: two georeferenced scenes (600x500: 9 DOTA windows of the demo
/// pipeline's 256/200 tiling, batches of 2; and 200x180: one window), two date pairs, randomly initialised weights for
/// the demo detection and change models, and the references: `geodense detect` (with the DOTA zip) and `geodense
/// change` run once each in a child process.
/// </summary>
public sealed class DetectionChangeFiles : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("geodense-worker-dc-").FullName;
    public static string DetectionPipeline => Path.Combine(WorkerFiles.RepoRoot, "pipelines", "demo-detection.yaml");
    public static string ChangePipeline => Path.Combine(WorkerFiles.RepoRoot, "pipelines", "demo-change.yaml");
    public string DetectionReference => Path.Combine(Root, "reference-detect");
    public string ChangeReference => Path.Combine(Root, "reference-change");
    public static readonly string[] Scenes = ["scenes/big.tif", "scenes/small.tif"];
    public static readonly (string Before, string After)[] Pairs = [("pairs/a_2019.tif", "pairs/a_2021.tif"), ("pairs/b_2019.tif", "pairs/b_2021.tif")];

    public DetectionChangeFiles()
    {
        Directory.CreateDirectory(Path.Combine(Root, "scenes"));
        Directory.CreateDirectory(Path.Combine(Root, "pairs"));
        SyntheticScene.Write(Path.Combine(Root, Scenes[0]), new SyntheticSceneOptions(600, 500, 3, Epsg: 32633));
        SyntheticScene.Write(Path.Combine(Root, Scenes[1]), new SyntheticSceneOptions(200, 180, 3, Epsg: 32633));
        using (var model = DetectionModels.Create(PipelineFile.Load<DetectionPipeline>(DetectionPipeline)))
            TensorCheckpoints.SaveSafetensors(Path.Combine(Root, "detector.safetensors"), model.StateDict());
        using (var model = ChangeModels.Create(PipelineFile.Load<ChangePipeline>(ChangePipeline)))
            TensorCheckpoints.SaveSafetensors(Path.Combine(Root, "change.safetensors"), model.StateDict());
        // after: Web Mercator at 1.6 m, shifted east; the second pair is larger than one 256 window
        new SyntheticDatePair(200, 160, AfterShiftX: 30, Added: [new MapRectangle(400_100, 5_799_900, 400_130, 5_799_930)])
            .Write(Path.Combine(Root, Pairs[0].Before), Path.Combine(Root, Pairs[0].After));
        new SyntheticDatePair(380, 300, AfterShiftX: -20, Removed: [new MapRectangle(400_200, 5_799_800, 400_240, 5_799_850)])
            .Write(Path.Combine(Root, Pairs[1].Before), Path.Combine(Root, Pairs[1].After));

        Check(WorkerFiles.RunGeodense(["detect", "--pipeline", DetectionPipeline, "--weights", Path.Combine(Root, "detector.safetensors"), "--input",
            .. Scenes.Select(s => Path.Combine(Root, s)), "--output", DetectionReference,
            "--dota-submission", Path.Combine(DetectionReference, "submission.zip"), "--threads", "1"]));
        var list = Path.Combine(Root, "pairs", "pairs.txt");
        File.WriteAllLines(list, Pairs.Select(p => $"{Path.GetFileName(p.Before)} {Path.GetFileName(p.After)}"));
        Check(WorkerFiles.RunGeodense("change", "--pipeline", ChangePipeline, "--weights", Path.Combine(Root, "change.safetensors"), "--pairs", list,
            "--output", ChangeReference, "--threads", "1"));
    }

    static void Check((int Code, string Out, string Err) run)
    {
        if (run.Code != 0) throw new InvalidOperationException($"reference run failed ({run.Code}): {run.Err}");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// Detection and change jobs on one SQLite worker: split into shards (window runs of a big input, whole small inputs;
/// one per date pair), assembled, and equal to the one-process CLI run: Task1 files and DOTA zip byte for byte,
/// change maps pixel for pixel.
/// </summary>
[Collection("worker")]
public sealed class DetectionAndChangeJobTests(DetectionChangeFiles files) : IClassFixture<DetectionChangeFiles>, IAsyncLifetime
{
    InProcessWorker? worker;

    public async Task InitializeAsync() =>
        // 4 windows per shard: the big scene's 9 windows (batches 2,2,2,2,1) become runs 0-4, 4-8, 8-9
        worker = await InProcessWorker.Start(files.Root, new Dictionary<string, string?> { ["worker:ShardWindows"] = "4" });

    public async Task DisposeAsync()
    {
        if (worker is not null) await worker.DisposeAsync();
    }

    [Fact]
    public async Task A_detection_job_split_into_window_runs_writes_the_same_Task1_files_and_zip_as_geodense_detect()
    {
        using var client = new WorkerClient(worker!.Url);
        var output = $"out-detect-{Guid.NewGuid():N}";
        var id = await client.Submit(new
        {
            task = "detection", pipeline = "demo-detection", weights = "detector.safetensors", inputs = DetectionChangeFiles.Scenes, output,
            dotaSubmission = $"{output}/submission.zip",
        });
        var status = await client.WaitForEnd(id, TimeSpan.FromMinutes(5));
        Assert.True(status.GetProperty("state").GetString() == "succeeded", status.ToString());
        var shards = status.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal([(0, 4), (4, 8), (8, 9), (0, 1)], shards.Select(s => (s.GetProperty("windowStart").GetInt32(), s.GetProperty("windowEnd").GetInt32())));
        Assert.All(shards, s => Assert.Equal(1, s.GetProperty("completions").GetInt32()));

        var actual = Path.Combine(files.Root, output);
        var task1 = Directory.GetFiles(Path.Combine(files.DetectionReference, "Task1")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(3, task1.Count);
        Assert.Equal(task1, Directory.GetFiles(Path.Combine(actual, "Task1")).Select(Path.GetFileName).Order());
        foreach (var name in task1)
            Assert.Equal(File.ReadAllBytes(Path.Combine(files.DetectionReference, "Task1", name!)), File.ReadAllBytes(Path.Combine(actual, "Task1", name!)));
        // random weights still detect plenty: the comparison is not of empty files
        Assert.True(task1.Sum(n => File.ReadAllLines(Path.Combine(actual, "Task1", n!)).Length) > 0);
        Assert.Equal(File.ReadAllBytes(Path.Combine(files.DetectionReference, "submission.zip")), File.ReadAllBytes(Path.Combine(actual, "submission.zip")));
        Assert.Equal(File.ReadAllText(Path.Combine(files.DetectionReference, "big_detections.geojson")), File.ReadAllText(Path.Combine(actual, "big_detections.geojson")));
        Assert.True(File.Exists(Path.Combine(actual, "small_detections.png")));
        Assert.True(File.Exists(Path.Combine(actual, "index.html")));
        Assert.False(Directory.Exists(Path.Combine(actual, ".shards")));
    }

    [Fact]
    public async Task A_change_job_with_one_shard_per_pair_equals_geodense_change_pixel_for_pixel()
    {
        using var client = new WorkerClient(worker!.Url);
        var output = $"out-change-{Guid.NewGuid():N}";
        var id = await client.Submit(new
        {
            task = "change", pipeline = "demo-change", weights = "change.safetensors", output,
            pairs = DetectionChangeFiles.Pairs.Select(p => new { before = p.Before, after = p.After }).ToArray(),
        });
        var status = await client.WaitForEnd(id, TimeSpan.FromMinutes(5));
        Assert.True(status.GetProperty("state").GetString() == "succeeded", status.ToString());
        Assert.Equal(2, status.GetProperty("shards").GetArrayLength());

        var actual = Path.Combine(files.Root, output);
        foreach (var stem in new[] { "a_2019_a_2021", "b_2019_b_2021" })
        {
            using var expected = Raster.Open(Path.Combine(files.ChangeReference, $"{stem}_change.tif"));
            using var map = Raster.Open(Path.Combine(actual, $"{stem}_change.tif"));
            Assert.Equal((expected.Width, expected.Height), (map.Width, map.Height));
            Assert.Equal(expected.GeoTransform, map.GeoTransform);
            var window = new PixelWindow(0, 0, expected.Width, expected.Height);
            Assert.Equal(expected.Read<byte>(window, [1]), map.Read<byte>(window, [1]));
            foreach (var suffix in new[] { "change_summary.json", "change.geojson" })
                Assert.Equal(File.ReadAllText(Path.Combine(files.ChangeReference, $"{stem}_{suffix}")), File.ReadAllText(Path.Combine(actual, $"{stem}_{suffix}")));
            Assert.True(File.Exists(Path.Combine(actual, $"{stem}_change_preview.png")));
        }
        Assert.False(Directory.Exists(Path.Combine(actual, ".shards")));
    }
}
