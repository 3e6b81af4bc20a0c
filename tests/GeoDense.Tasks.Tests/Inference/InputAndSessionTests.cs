using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Inference;

public sealed class InputAndSessionTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("inputs-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string Touch(string relative)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        return path;
    }

    [Fact]
    public void Same_names_in_different_folders_get_distinct_stems_and_repeats_run_once()
    {
        string a = Touch("a/scene.tif"), b = Touch("b/scene.tif"), c = Touch("c/other.tif");
        var list = Path.Combine(dir, "list.txt");
        File.WriteAllLines(list, ["# inputs", "a/scene.tif", "", "c/other.tif"]);
        var items = InputList.Expand([a, b, "@" + list, a, Path.Combine(dir, "b", ".", "scene.tif")]);
        Assert.Equal([a, b, c], items.Select(i => i.Path));
        Assert.Equal(["a_scene", "b_scene", "other"], items.Select(i => i.OutputStem));
    }

    [Fact]
    public void Same_names_in_one_folder_are_told_apart_by_extension()
    {
        string tif = Touch("same/scene.tif"), vrt = Touch("same/scene.vrt");
        Assert.Equal(["scene_tif", "scene_vrt"], InputList.Expand([tif, vrt]).Select(i => i.OutputStem));
    }

    [Fact]
    public void Folders_and_globs_expand_to_their_rasters_in_order()
    {
        Touch("tiles/2.tif"); Touch("tiles/1.TIF"); Touch("tiles/notes.txt");
        var fromFolder = InputList.Expand([Path.Combine(dir, "tiles")]);
        Assert.Equal(["1", "2"], fromFolder.Select(i => i.OutputStem));
        var fromGlob = InputList.Expand([Path.Combine(dir, "tiles", "*.tif")]);
        Assert.Equal(["2"], fromGlob.Select(i => i.OutputStem));
        Assert.Contains("no file matches", Assert.Throws<PipelineInputException>(() => InputList.Expand([Path.Combine(dir, "*.jp2")])).Message);
        Assert.Contains("input file not found", Assert.Throws<PipelineInputException>(() => InputList.Expand([Path.Combine(dir, "gone.tif")])).Message);
    }

    [Fact]
    public void Output_folder_problems_are_named_before_any_work()
    {
        var file = Touch("taken.tif");
        Assert.Contains("is a file; --output needs a folder", Assert.Throws<PipelineInputException>(() => OutputFolder.Prepare(file)).Message);
        Assert.Contains("is a file, not a folder", Assert.Throws<PipelineInputException>(() => OutputFolder.Prepare(Path.Combine(file, "out"))).Message);
        // /proc is read-only even for root
        Assert.Contains("cannot write there", Assert.Throws<PipelineInputException>(() => OutputFolder.Prepare("/proc/geodense-out")).Message);
        Assert.True(Directory.Exists(OutputFolder.Prepare(Path.Combine(dir, "new", "out"))));
    }

    static SegmentationPipeline Pipeline(int channels) => PipelineFile.Parse<SegmentationPipeline>($$"""
        task: segmentation
        model: { backbone: lemevit-nano, head: upernet, classes: [a, b, c], ignore_index: 255, channels: {{channels}}, aux_channels: 0 }
        input: { bands: [1, 2, 3], mean: [0, 0, 0], std: [1, 1, 1] }
        """);

    [Fact]
    public void Weights_trained_for_another_model_are_refused_in_one_line_naming_what_differs()
    {
        var weights = Path.Combine(dir, "w.safetensors");
        using (var model = SegmentationModels.Create(Pipeline(32)))
            TensorCheckpoints.SaveSafetensors(weights, model.StateDict(),
                new Dictionary<string, string> { [InferenceSession<SegmentationModel>.PipelineKey] = PipelineFile.Serialize(Pipeline(32)) });

        var e = Assert.Throws<PipelineInputException>(() => SegmentationModels.Load(Pipeline(48), "p.yaml", weights, Device.Cpu));
        Assert.Equal($"{weights}: weights are lemevit-nano + upernet(32); pipeline p.yaml asks lemevit-nano + upernet(48)", e.Message);

        using var session = SegmentationModels.Load(Pipeline(32), "p.yaml", weights, Device.Cpu);
        Assert.False(session.Model.Training);
        Assert.Empty(session.Warnings);
    }

    [Fact]
    public void Input_unlike_the_training_input_gets_a_warning()
    {
        string trained = Path.Combine(dir, "byte.tif"), wide = Path.Combine(dir, "uint16.tif");
        SyntheticScene.Write(trained, new SyntheticSceneOptions(64, 64));
        SyntheticScene.Write(wide, new SyntheticSceneOptions(64, 64, DataType: RasterDataType.UInt16));
        var profile = InputProfile.Of([trained], [1, 2, 3]);
        Assert.Equal("Byte", profile.DataType);
        using (var same = Raster.Open(trained)) Assert.Empty(profile.Compare(same, [1, 2, 3]));

        // scale the 16-bit scene to 12-bit values, as a raw satellite product would be
        using (var raster = Raster.Open(wide, update: true))
        {
            var values = raster.Read<ushort>(PixelWindow.Full(64, 64), [1, 2, 3]);
            for (int i = 0; i < values.Length; i++) values[i] = (ushort)(values[i] * 16);
            raster.Write<ushort>(PixelWindow.Full(64, 64), [1, 2, 3], values);
        }
        using var input = Raster.Open(wide);
        var warnings = profile.Compare(input, [1, 2, 3]).ToList();
        Assert.Contains(warnings, w => w.Contains("data type UInt16, but the weights were trained on Byte input"));
        Assert.Contains(warnings, w => w.Contains("band 1 holds values"));
    }
}
