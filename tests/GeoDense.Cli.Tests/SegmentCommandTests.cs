using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A scratch folder with the demo segmentation pipeline and randomly initialised weights for its model: enough to
/// run `geodense segment` end to end in seconds (the classes are meaningless, the files and their georeference are not).
/// </summary>
public sealed class SegmentationFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("geodense-cli-").FullName;
    public string Pipeline { get; } = Path.Combine(GeodenseProcess.RepoRoot, "pipelines", "demo-segmentation.yaml");
    public string Weights => Path.Combine(Dir, "demo-random.safetensors");

    public SegmentationFiles()
    {
        using var model = SegmentationModels.Create(PipelineFile.Load<SegmentationPipeline>(Pipeline));
        TensorCheckpoints.SaveSafetensors(Weights, model.StateDict());
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>SPEC §8 for `segment`, `info` and `eval`: bad input exits 2 naming the file and the problem, and leaves no output.</summary>
public class SegmentCommandTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    private string NewDir() => Directory.CreateTempSubdirectory("geodense-cli-out-").FullName;

    private string Scene(string name, int width = 300, int height = 200, int bands = 3, int? epsg = 32633)
    {
        var path = files.PathOf(name);
        if (!File.Exists(path)) SyntheticScene.Write(path, new SyntheticSceneOptions(width, height, bands, Epsg: epsg));
        return path;
    }

    private (int ExitCode, string Out, string Err) Segment(string input, string output, string? pipeline = null, string? weights = null) =>
        GeodenseProcess.Run("segment", "--pipeline", pipeline ?? files.Pipeline, "--weights", weights ?? files.Weights,
            "--input", input, "--output", output, "--threads", "1");

    private static void AssertNoOutputs(string outputDir) =>
        Assert.True(!Directory.Exists(outputDir) || Directory.GetFiles(outputDir, "*", SearchOption.AllDirectories).Length == 0,
            $"{outputDir} should hold no file, has: {(Directory.Exists(outputDir) ? string.Join(", ", Directory.GetFiles(outputDir)) : "")}");

    [Fact]
    public void Segment_writes_a_class_cog_with_the_input_georeference_and_a_preview()
    {
        var input = Scene("scene.tif");
        var output = NewDir();
        try
        {
            var (code, stdout, stderr) = Segment(input, output);
            Assert.True(code == 0, stderr);
            var classes = Path.Combine(output, "scene_classes.tif");
            Assert.Contains(classes, stdout);
            using (var source = Raster.Open(input))
            using (var result = Raster.Open(classes))
            {
                Assert.Equal((300, 200, 1), (result.Width, result.Height, result.BandCount));
                Assert.Equal(source.GeoTransform, result.GeoTransform);
                Assert.Equal(32633, result.SpatialReference!.Epsg);
                var values = result.Read<byte>(new PixelWindow(0, 0, 300, 200), [1]);
                Assert.All(values, v => Assert.InRange(v, 0, 4)); // 5 scored classes, clutter (ignore_index) is never predicted
            }
            var preview = Path.Combine(output, "scene_preview.png");
            Assert.True(File.Exists(preview));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(preview)[..4]);
            Assert.True(File.Exists(Path.Combine(output, "scene_classes.geojson")));
            Assert.Empty(Directory.GetFiles(output, ".*partial*"));
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [Fact]
    public void Segment_on_a_raster_without_georeference_warns_and_writes_pixel_space_output()
    {
        var input = Scene("plain.tif", 200, 150, epsg: null);
        var output = NewDir();
        try
        {
            var (code, _, stderr) = Segment(input, output);
            Assert.True(code == 0, stderr);
            // once, although both the command's input check and the stitcher notice it
            Assert.Single(stderr.Split('\n'), l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("no georeference"));
            Assert.Contains($"warning: {input}: no georeference; outputs are in pixel space", stderr);
            using var result = Raster.Open(Path.Combine(output, "plain_classes.tif"));
            Assert.Equal((200, 150), (result.Width, result.Height));
            Assert.Null(result.SpatialReference);
            Assert.True(result.GeoTransform is null || result.GeoTransform == GeoTransform.Identity);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [Fact]
    public void Segment_with_a_missing_input_exits_2_naming_it()
    {
        var output = NewDir();
        var missing = files.PathOf("no-such-scene.tif");
        var (code, _, stderr) = Segment(missing, output);
        Assert.Equal(2, code);
        Assert.Contains($"{missing}: input file not found", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Segment_on_a_truncated_geotiff_exits_2_and_leaves_no_output()
    {
        var whole = Scene("whole.tif", 300, 200);
        var truncated = files.PathOf("truncated.tif");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);
        var output = NewDir();
        var (code, _, stderr) = Segment(truncated, output);
        Assert.True(code == 2, stderr);
        Assert.Contains("truncated.tif", stderr);
        Assert.DoesNotContain("internal error", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Segment_on_a_raster_with_too_few_bands_exits_2_saying_which_bands()
    {
        var input = Scene("one-band.tif", 100, 100, bands: 1);
        var output = NewDir();
        var (code, _, stderr) = Segment(input, output);
        Assert.Equal(2, code);
        Assert.Contains("one-band.tif: has 1 band(s) but the pipeline reads bands 1,2,3", stderr);
        AssertNoOutputs(output);

        // among several mosaics, the bad one is rejected before the good one is segmented
        (code, _, stderr) = GeodenseProcess.Run("segment", "--pipeline", files.Pipeline, "--weights", files.Weights,
            "--input", Scene("scene.tif"), input, "--output", output, "--threads", "1");
        Assert.Equal(2, code);
        Assert.Contains("one-band.tif: has 1 band(s)", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Segment_with_truncated_weights_exits_2_naming_the_file()
    {
        var weights = files.PathOf("truncated.safetensors");
        var bytes = File.ReadAllBytes(files.Weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var output = NewDir();
        var (code, _, stderr) = Segment(Scene("scene.tif"), output, weights: weights);
        Assert.Equal(2, code);
        Assert.Contains($"{weights}: cannot read weights: not a safetensors file", stderr);
        Assert.Contains("truncated", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Segment_with_weights_of_another_model_lists_missing_unexpected_and_mismatched_keys()
    {
        var original = Safetensors.Read(files.Weights);
        var tensors = original.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.True(tensors.Remove("auxiliary_head.conv_seg.bias"));
        tensors["decode_head.conv_seg.weight"] = TensorData.FromArray(GeoDense.Torch.ScalarType.Float32, [7, 64, 1, 1], new float[7 * 64]);
        tensors["neck.extra.weight"] = TensorData.FromArray(GeoDense.Torch.ScalarType.Float32, [1], new float[] { 1 });
        var weights = files.PathOf("other-model.safetensors");
        Safetensors.Write(weights, tensors);
        var output = NewDir();
        var (code, _, stderr) = Segment(Scene("scene.tif"), output, weights: weights);
        Assert.Equal(2, code);
        Assert.Contains($"{weights}: weights do not fit the pipeline's model", stderr);
        Assert.Contains("  missing: auxiliary_head.conv_seg.bias", stderr);
        Assert.Contains("  unexpected: neck.extra.weight", stderr);
        Assert.Contains("decode_head.conv_seg.weight: model has [5, 64, 1, 1], checkpoint has [7, 64, 1, 1]", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Segment_with_a_missing_pipeline_exits_2_naming_it()
    {
        var missing = files.PathOf("no-such-pipeline.yaml");
        var output = NewDir();
        var (code, _, stderr) = Segment(Scene("scene.tif"), output, pipeline: missing);
        Assert.Equal(2, code);
        Assert.Contains($"{missing}: pipeline file not found", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Segment_with_a_malformed_pipeline_exits_2_naming_the_file_line_and_key()
    {
        var yaml = File.ReadAllText(files.Pipeline).Replace("tiling: { size: 256,", "tiling: { size: big,");
        Assert.Contains("size: big", yaml);
        var pipeline = files.PathOf("bad-value.yaml");
        File.WriteAllText(pipeline, yaml);
        var line = Array.FindIndex(yaml.Split('\n'), l => l.Contains("size: big")) + 1;
        var output = NewDir();
        var (code, _, stderr) = Segment(Scene("scene.tif"), output, pipeline: pipeline);
        Assert.Equal(2, code);
        Assert.Contains($"{pipeline}:{line}:", stderr);
        Assert.Contains("big", stderr);
        Assert.Contains("tiling: { size: big,", stderr);   // the offending line is quoted, so the key is visible

        var broken = files.PathOf("broken-syntax.yaml");
        File.WriteAllText(broken, "task: segmentation\nmodel: { backbone: lemevit-nano, head: upernet\ninput: [\n");
        (code, _, stderr) = Segment(Scene("scene.tif"), output, pipeline: broken);
        Assert.Equal(2, code);
        Assert.Matches($"{System.Text.RegularExpressions.Regex.Escape(broken)}:[0-9]+:[0-9]+: ", stderr);
        AssertNoOutputs(output);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Info_on_a_missing_file_and_on_a_text_file_named_tif_exits_2()
    {
        var missing = files.PathOf("missing.tif");
        var (code, _, stderr) = GeodenseProcess.Run("info", missing);
        Assert.Equal(2, code);
        Assert.Contains($"'{missing}' does not exist", stderr);

        var text = files.PathOf("notes.tif");
        File.WriteAllText(text, "these are field notes, not a raster\n");
        (code, _, stderr) = GeodenseProcess.Run("info", text);
        Assert.Equal(2, code);
        Assert.Contains($"'{text}' is not a raster GDAL can read", stderr);
    }

    [Fact]
    public void Eval_with_a_missing_data_dir_exits_2_naming_it()
    {
        var data = files.PathOf("no-such-data");
        var metrics = files.PathOf("eval.json");
        var (code, _, stderr) = GeodenseProcess.Run("eval", "segmentation", "--pipeline", files.Pipeline, "--weights", files.Weights,
            "--data", data, "--output", metrics);
        Assert.Equal(2, code);
        Assert.Contains(data, stderr);
        Assert.Contains("not found", stderr);
        Assert.False(File.Exists(metrics));
    }
}
