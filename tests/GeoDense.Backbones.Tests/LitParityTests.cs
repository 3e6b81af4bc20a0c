using System.Text.Json;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Backbones.Tests;

/// <summary>A LIT parity fixture made by tools/reference/make_lit_fixture.py from the reference code (tests/fixtures/lit-*).</summary>
public sealed class LitFixture
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "LitData");

    /// <summary>Every lit-* folder with a meta.json: a fixture made for another variant, seed or size is checked too.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var d in Directory.GetDirectories(Root).Where(d => File.Exists(Path.Combine(d, "meta.json"))).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(d));
        return data;
    }

    public string Folder { get; }
    public LitConfig Config { get; }
    public OrderedDictionary<string, TensorData> Io { get; }

    public LitFixture(string name)
    {
        Folder = Path.Combine(Root, name);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "meta.json")));
        var root = meta.RootElement;
        int[] Ints(string key) => root.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // built from the fixture's own description, so any variant the reference produced is checked
        Config = new LitConfig
        {
            Name = "fixture-" + root.GetProperty("variant").GetString(),
            Layout = root.GetProperty("layout").GetString() == "tiny" ? LitLayout.Tiny : LitLayout.Hierarchical,
            Dims = Ints("dims"), Depths = Ints("depths"), Heads = Ints("heads"),
            MlpRatios = root.GetProperty("mlp_ratios").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            ImageSize = root.GetProperty("image_size").GetInt32(),
            DenseTableImageSize = root.GetProperty("dense_table_image_size").GetInt32(),
            NumClasses = root.GetProperty("num_classes").GetInt32(),
        };
        Io = Safetensors.Read(Path.Combine(Folder, "io.safetensors")).Tensors;
    }

    public string PathOf(string file) => Path.Combine(Folder, file);

    public Tensor Tensor(string name) => GeoDense.Torch.Tensor.FromBytes(Io[name].DType, Io[name].Shape, Io[name].Data.Span);
}

public class LitParityTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(LitFixture.Names), MemberType = typeof(LitFixture))]
    public void ClassifierLogitsEqualTheReference(string name)
    {
        var fixture = new LitFixture(name);
        using var model = LitBackbone.Create(fixture.Config, classifier: true);
        var report = LitWeights.Load(model, fixture.PathOf("weights.pth"));
        Assert.True(report.Report.IsClean, report.ToString());
        Assert.Empty(report.Kept);
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var logits = model.Classify(fixture.Tensor("input_cls"));
        var error = Fixture.RelativeError(logits, fixture.Tensor("logits"));
        Assert.True(error < Tolerance, $"{name}: logits differ by {error:E2} (relative)");
    }

    [Theory]
    [MemberData(nameof(LitFixture.Names), MemberType = typeof(LitFixture))]
    public void DenseFeaturesEqualTheReferenceAtASizeThatIsNotAMultipleOf32(string name)
    {
        var fixture = new LitFixture(name);
        var input = fixture.Io["input"].Shape;
        Assert.True(input[2] % 32 != 0 || input[3] % 32 != 0, "the fixture should exercise the resizing of position encodings");
        using var model = LitBackbone.Create(fixture.Config);
        var report = LitWeights.Load(model, fixture.PathOf("weights_dense.pth"));
        Assert.True(report.Report.IsClean && report.Kept.Count == 0, report.ToString());
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var features = model.Forward(fixture.Tensor("input"));
        Assert.Equal(4, features.Count);
        for (var k = 0; k < 4; k++)
        {
            var error = Fixture.RelativeError(features[k], fixture.Tensor($"feature{k + 1}"));
            Assert.True(error < Tolerance, $"{name}: feature{k + 1} differs by {error:E2} (relative)");
        }
    }

    [Theory]
    [MemberData(nameof(LitFixture.Names), MemberType = typeof(LitFixture))]
    public void AnImageNetCheckpointLoadsIntoTheDenseBackbone(string name)
    {
        var fixture = new LitFixture(name);
        using var model = LitBackbone.Create(fixture.Config);
        var report = LitWeights.Load(model, fixture.PathOf("weights.pth"));
        Assert.True(report.Report.IsClean, report.ToString());
        Assert.Contains(report.IgnoredKeys, k => k.StartsWith("head.", StringComparison.Ordinal));
        if (fixture.Config.Layout == LitLayout.Hierarchical)
        {
            // the classifier's 224-sized tables become the dense backbone's 800-sized ones; norm1..3 are not in an ImageNet file
            Assert.NotEmpty(report.ResizedTables);
            Assert.Equal(6, report.Kept.Count);
        }
    }
}
