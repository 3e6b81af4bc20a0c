using GeoDense.Geo;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A scratch folder with a nano Oriented R-CNN pipeline, randomly initialised weights for it and three georeferenced
/// scenes: `geodense detect` over them takes seconds and finds many (meaningless) boxes, which is what resuming needs.
/// </summary>
public sealed class DetectionFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("geodense-detect-").FullName;
    public string Pipeline => PathOf("detect.yaml");
    public string Weights => PathOf("detector-random.safetensors");
    public string[] Inputs { get; }

    public DetectionFiles()
    {
        File.WriteAllText(Pipeline, """
            task: detection
            model:
              backbone: lemevit-nano
              head: oriented-rcnn
              classes: [plane, ship]
              # the demo's reduced heads, and fewer proposals: seconds per run on 2 loaded cores
              fpn_channels: 32
              fc_channels: 128
              rpn: { pre_nms_top: 300, max_proposals: 100 }
              rcnn: { max_per_image: 50 }
            tiling: { size: 256, stride: 200, batch_size: 2 }
            output: { formats: [geojson] }
            device: cpu
            """);
        using (var model = DetectionModels.Create(PipelineFile.Load<DetectionPipeline>(Pipeline)))
            TensorCheckpoints.SaveSafetensors(Weights, model.StateDict());
        Inputs = new[] { "det-a.tif", "det-b.tif", "det-c.tif" }.Select(PathOf).ToArray();
        for (int i = 0; i < Inputs.Length; i++) SyntheticScene.Write(Inputs[i], new SyntheticSceneOptions(300 + 40 * i, 260, 3, Epsg: 32633));
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>
/// `detect` over several rasters killed with SIGKILL once its first input is finished, and run again, writes the same
/// Task1 files, DOTA zip, polygons and previews, byte for byte, as an uninterrupted run; whatever the moment of the
/// kill the outcome is the same, so the test does not depend on timing. A changed pipeline file redoes everything.
/// </summary>
public class DetectResumeTests(DetectionFiles files) : IClassFixture<DetectionFiles>
{
    string[] Args(string output, string? pipeline = null) =>
        ["detect", "--pipeline", pipeline ?? files.Pipeline, "--weights", files.Weights, "--input", .. files.Inputs, "--output", output,
         "--dota-submission", Path.Combine(output, "submission.zip"), "--threads", "1"];

    [Fact]
    public void A_killed_detect_run_resumes_to_the_same_task1_files_and_zip_as_an_uninterrupted_run()
    {
        OutputSnapshot.AssertKilledRunResumes(o => Args(o), " windows in ", "det-a.tif: finished in an earlier run", (whole, stderr) =>
        {
            Assert.Contains("3 inputs [", stderr);   // one progress view over the job
            Assert.NotEqual("", File.ReadAllText(Path.Combine(whole, "Task1", "Task1_plane.txt")) + File.ReadAllText(Path.Combine(whole, "Task1", "Task1_ship.txt")));
        });
    }

    [Fact]
    public void A_changed_pipeline_file_invalidates_the_detect_journal_and_says_so()
    {
        var output = Directory.CreateTempSubdirectory("geodense-detect-journal-").FullName;
        var edited = files.PathOf("detect-edited.yaml");
        try
        {
            File.Copy(files.Pipeline, edited, overwrite: true);
            Assert.Equal(0, GeodenseProcess.Run(Args(output, edited)).ExitCode);

            File.AppendAllText(edited, "\n# the same settings, another file\n");
            var (code, stdout, stderr) = GeodenseProcess.Run(Args(output, edited));
            Assert.True(code == 0, stderr);
            var note = Assert.Single(stderr.Split('\n'), l => l.StartsWith("note: ", StringComparison.Ordinal));
            Assert.EndsWith("the pipeline file changed since the last run; every input is processed again", note);
            Assert.DoesNotContain("finished in an earlier run", stdout);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            File.Delete(edited);
        }
    }
}
