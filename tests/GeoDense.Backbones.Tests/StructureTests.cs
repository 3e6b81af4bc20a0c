using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Backbones.Tests;

public class StructureTests
{
    [Theory]
    [InlineData("lemevit-tiny", 51, 8_331_187L)]
    [InlineData("lemevit-small", 51, 16_035_091L)]
    [InlineData("lemevit-base", 51, 52_611_315L)]
    [InlineData("lemevit-tiny", 1000, 8_635_816L)]
    [InlineData("lemevit-small", 1000, 16_400_456L)]
    [InlineData("lemevit-base", 1000, 53_098_152L)]
    [InlineData("lemevit-nano", 51, 767_635L)]
    public void Parameter_counts_match_the_reference(string arch, int classes, long expected)
    {
        // Exact counts from the reference module (bench/reference/param_counts.py); the paper rounds them
        // to 8.33M / 16.04M / 52.61M (51 classes) and 8.64M / 16.40M / 53.10M (1000 classes).
        using var model = new LeMeViTClassifier(LeMeViTConfig.TryFromArch(arch)! with { NumClasses = classes });
        Assert.Equal(expected, model.ParameterCount());
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void State_dict_keys_and_shapes_equal_the_reference_in_order(string fixtureName)
    {
        var fixture = Fixture.Get(fixtureName);
        var reference = Checkpoint.LoadStateDict(fixture.PathOf("weights.pth"));
        using var model = new LeMeViTClassifier(fixture.Config);
        var ours = model.StateDict();
        Assert.Equal(reference.Keys.ToArray(), ours.Keys.ToArray());
        foreach (var (key, tensor) in ours)
            Assert.True(reference[key].Shape.SequenceEqual(tensor.Shape), key);
    }

    public static TheoryData<string> FixtureNames() => new(Fixture.Names);

    [Fact]
    public void Dense_backbone_has_the_classifier_keys_minus_the_head()
    {
        using var classifier = new LeMeViTClassifier(LeMeViTConfig.Tiny);
        using var backbone = new LeMeViTBackbone(LeMeViTConfig.Tiny);
        var expected = classifier.StateDict().Keys.Where(k => !k.StartsWith("head.", StringComparison.Ordinal));
        Assert.Equal(expected, backbone.StateDict().Keys);
    }

    [Theory]
    [InlineData(100, 150)]
    [InlineData(33, 47)]
    [InlineData(224, 224)]
    public void Any_input_size_gives_features_of_ceil_size_at_strides_4_to_32(int h, int w)
    {
        foreach (var pad in new[] { false, true })
        {
            using var model = new LeMeViTBackbone(LeMeViTConfig.Nano with { PadToMultipleOf32 = pad });
            model.Eval();
            using var scope = TorchRuntime.NewScope();
            using var inference = TorchRuntime.InferenceMode();
            var features = model.Forward(Tensor.Randn(1, 3, h, w));
            for (var k = 0; k < 4; k++)
            {
                var s = LeMeViTBackbone.FeatureStrides[k];
                Assert.Equal(new long[] { 1, LeMeViTConfig.Nano.Dims[k + 1], (h + s - 1) / s, (w + s - 1) / s }, features[k].Shape);
            }
        }
    }

    [Fact]
    public void Too_small_input_is_rejected_with_a_clear_message()
    {
        using var model = new LeMeViTBackbone(LeMeViTConfig.Nano);
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        var error = Assert.Throws<InputTooSmallException>(() => model.Forward(Tensor.Randn(1, 3, 8, 8)));
        Assert.Contains("too small", error.Message);
        var channels = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Randn(1, 4, 64, 64)));
        Assert.Contains("[batch, 3, height, width]", channels.Message);
    }

    [Fact]
    public void Config_round_trips_through_json()
    {
        var config = LeMeViTConfig.Small with { NumClasses = 7, DropPathRate = 0.1 };
        var json = config.ToJson();
        Assert.Contains("\"model\":\"lemevit\"", json);
        Assert.Contains("\"depths\":[1,2,2,6,2]", json);
        var back = LeMeViTConfig.FromJson(json);
        Assert.Equal(config.Depths, back.Depths);
        Assert.Equal(config.Dims, back.Dims);
        Assert.Equal((config.Name, config.NumClasses, config.DropPathRate, config.HeadDim, config.MetaTokens),
            (back.Name, back.NumClasses, back.DropPathRate, back.HeadDim, back.MetaTokens));
    }

    [Fact]
    public void Inconsistent_configs_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LeMeViTBackbone(LeMeViTConfig.Nano with { Dims = [32, 64, 64, 96, 128] }));
        Assert.Throws<ArgumentException>(() => new LeMeViTBackbone(LeMeViTConfig.Nano with { Depths = [1, 1, 1, 1] }));
        Assert.Throws<ArgumentException>(() => new LeMeViTBackbone(LeMeViTConfig.Nano with { Dims = [32, 32, 48, 96, 128] }));
    }
}
