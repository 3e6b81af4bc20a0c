using System.Text.Json;
using GeoDense.Torch;

namespace GeoDense.Backbones.Tests;

public class LitStructureTests
{
    /// <summary>State-dict keys and shapes of the reference models at 1000 classes (tests/fixtures/lit-keys, made by
    /// make_lit_fixture.py ... VARIANT keys): equal keys and shapes is what lets the released .pth files load. The
    /// classifier's parameter count is also held against the paper's Table 1 (19M / 27M / 48M / 86M); the reference
    /// code itself has 19.89M / 27.97M / 49.37M / 87.29M, so the paper's figures are rounded down by up to 1.3M.</summary>
    [Theory]
    [InlineData("lit-ti", "ti", 19.0)]
    [InlineData("lit-s", "s", 27.0)]
    [InlineData("lit-m", "m", 48.0)]
    [InlineData("lit-b", "b", 86.0)]
    public void KeysAndShapesEqualTheReference(string arch, string file, double paperMillions)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LitData", "lit-keys", file + ".json")));
        var config = LitConfig.TryFromArch(arch)!;
        foreach (var (variant, classifier) in new[] { ("classifier", true), ("dense", false) })
        {
            var expected = json.RootElement.GetProperty(variant).EnumerateObject()
                .ToDictionary(p => p.Name, p => string.Join(",", p.Value.EnumerateArray().Select(e => e.GetInt64())));
            using var model = LitBackbone.Create(config, classifier);
            var actual = model.StateDict().ToDictionary(e => e.Key, e => string.Join(",", e.Value.Shape));
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, shape) in expected) Assert.True(shape == actual[key], $"{arch} {variant} {key}: reference [{shape}], ours [{actual[key]}]");
            Assert.Equal(json.RootElement.GetProperty($"{variant}_params").GetInt64(), model.ParameterCount());
            if (classifier)
                Assert.True(model.ParameterCount() / 1e6 - paperMillions is >= 0 and < 1.5,
                    $"{arch}: {model.ParameterCount() / 1e6:F2}M parameters, the paper says {paperMillions}M");
        }
    }

    [Fact]
    public void FeaturesHaveTheStridesAndChannelsTheInterfaceDeclares()
    {
        foreach (var config in new[] { LitConfig.Nano, LitConfig.TiNano })
        {
            using var model = LitBackbone.Create(config);
            model.Eval();
            using var scope = TorchRuntime.NewScope();
            using var inference = TorchRuntime.InferenceMode();
            var features = model.Forward(Tensor.Zeros(1, 3, 64, 96));
            for (var k = 0; k < 4; k++)
                Assert.Equal(new long[] { 1, config.Dims[k], 64 / LitBackbone.FeatureStrides[k], 96 / LitBackbone.FeatureStrides[k] }, features[k].Shape);
        }
    }

    [Fact]
    public void AFreshDenseBackboneTrains()
    {
        // gradients reach the deformable offsets' conv through the native backward
        using var model = LitBackbone.Create(LitConfig.Nano);
        using var scope = TorchRuntime.NewScope();
        var features = model.Forward(Tensor.Randn(2, 3, 64, 64));
        features.Select(f => f.Square().Mean()).Aggregate((a, b) => a.Add(b)).Backward();
        var offsets = model.NamedParameters().Where(p => p.Key.EndsWith("conv_offset.weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, offsets.Count);
        Assert.All(offsets, p => Assert.True(p.Value.Grad!.Abs().Sum().Item<float>() > 0, $"{p.Key} got no gradient"));
    }

    [Fact]
    public void ATooSmallInputIsOneClearError()
    {
        using var model = LitBackbone.Create(LitConfig.Nano);
        using var scope = TorchRuntime.NewScope();
        var ex = Assert.Throws<InputTooSmallException>(() => model.Forward(Tensor.Zeros(1, 3, 16, 64)));
        Assert.Contains("at least 32x32", ex.Message);
    }
}
