using System.Text.Json;
using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A scratch folder with a nano BIT change pipeline, randomly initialised weights for it and two synthetic dates in
/// different CRSs: enough to run `geodense change` end to end in seconds (the changes found are meaningless, the
/// files, their grid and the exit codes are not).
/// </summary>
public sealed class ChangeMapFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("geodense-change-").FullName;
    public string Pipeline => PathOf("change.yaml");
    public string Weights => PathOf("bit-nano-random.safetensors");
    public string Before => PathOf("2019.tif");
    public string After => PathOf("2021.tif");

    public ChangeMapFiles()
    {
        File.WriteAllText(Pipeline, """
            task: change
            model: { backbone: lemevit-nano, head: bit }
            tiling: { size: 128, stride: 96, batch_size: 2, blend: cosine }
            output: { formats: [cog, probabilities, geojson, gpkg, png] }
            device: cpu
            """);
        using (var model = ChangeModels.Create(PipelineFile.Load<ChangePipeline>(Pipeline)))
            TensorCheckpoints.SaveSafetensors(Weights, model.StateDict());
        // after: Web Mercator at 1.6 m, 30 m further east than the before image (UTM 33N, 1 m)
        new SyntheticDatePair(200, 160, AfterShiftX: 30, Added: [new MapRectangle(400_100, 5_799_900, 400_130, 5_799_930)]).Write(Before, After);
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

public class ChangeMapCommandTests(ChangeMapFiles files) : IClassFixture<ChangeMapFiles>
{
    static string NewDir() => Directory.CreateTempSubdirectory("geodense-change-out-").FullName;

    (int ExitCode, string Out, string Err) Change(string output, params string[] dates) =>
        GeodenseProcess.Run(["change", "--pipeline", files.Pipeline, "--weights", files.Weights, "--output", output, "--threads", "1", .. dates]);

    [Fact]
    public void Change_writes_every_output_on_the_before_grid_cut_to_the_overlap()
    {
        var output = NewDir();
        try
        {
            var (code, stdout, stderr) = Change(output, "--before", files.Before, "--after", files.After);
            Assert.True(code == 0, stderr);
            var stem = Path.Combine(output, "2019_2021_");
            Assert.Contains(stem + "change.tif", stdout);
            foreach (var suffix in new[] { "change.tif", "change_probability.tif", "change.geojson", "change.gpkg", "change_preview.png", "change_summary.json" })
                Assert.True(File.Exists(stem + suffix), $"{stem + suffix} missing; stdout: {stdout}");
            // hidden: only the batch journal, no temporary
            Assert.Equal([GeoDense.Tasks.Inference.BatchJournal.FileName], Directory.GetFiles(output, ".*").Select(Path.GetFileName));
            Assert.Contains("tiles/s", stderr);   // the progress bar

            using var before = Raster.Open(files.Before);
            using var map = Raster.Open(stem + "change.tif");
            Assert.Equal(32633, map.SpatialReference!.Epsg);
            var (grid, full) = (map.GeoTransform!.Value, before.GeoTransform!.Value);
            Assert.InRange(grid.OriginX - full.OriginX, 20, 30);   // the after image starts 30 m east
            Assert.Equal(full.OriginY, grid.OriginY, 6);
            Assert.Equal(255, map.Band(1).NoData);
            using var summary = JsonDocument.Parse(File.ReadAllText(stem + "change_summary.json"));
            Assert.Equal(32633, summary.RootElement.GetProperty("epsg").GetInt32());
            Assert.Equal(map.Width, summary.RootElement.GetProperty("width").GetInt32());
            Assert.True(summary.RootElement.TryGetProperty("region_areas", out _));
        }
        finally { Directory.Delete(output, true); }
    }

    [Fact]
    public void Dates_that_do_not_overlap_exit_2_naming_both_files_and_write_nothing()
    {
        var far = files.PathOf("far-2021.tif");
        var farBefore = files.PathOf("far-2019.tif");
        new SyntheticDatePair(64, 64, AfterShiftX: 5000).Write(farBefore, far);
        var output = NewDir();
        try
        {
            var (code, _, stderr) = Change(output, "--before", files.Before, "--after", far);
            Assert.Equal(2, code);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line);
            Assert.Contains(files.Before, line);
            Assert.Contains(far, line);
            Assert.Contains("do not overlap", line);
            Assert.Empty(Directory.GetFiles(output, "*", SearchOption.AllDirectories));
        }
        finally { Directory.Delete(output, true); }
    }

    [Fact]
    public void A_pair_list_runs_every_pair_and_mixing_it_with_before_after_is_a_usage_error()
    {
        var list = files.PathOf("pairs.txt");
        File.WriteAllLines(list, ["2019.tif 2021.tif", "2021.tif 2019.tif"]);
        var output = NewDir();
        try
        {
            var (code, stdout, stderr) = Change(output, "--pairs", list);
            Assert.True(code == 0, stderr);
            Assert.Contains("2 pair(s)", stderr);
            Assert.True(File.Exists(Path.Combine(output, "2019_2021_change_summary.json")), stdout);
            Assert.True(File.Exists(Path.Combine(output, "2021_2019_change_summary.json")), stdout);

            var (mixed, _, error) = Change(output, "--pairs", list, "--before", files.Before);
            Assert.Equal(2, mixed);
            Assert.Contains("either --pairs or --before and --after", error);
        }
        finally { Directory.Delete(output, true); }
    }
}
