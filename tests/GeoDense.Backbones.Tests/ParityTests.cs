using GeoDense.Torch;

namespace GeoDense.Backbones.Tests;

/// <summary>Outputs equal the reference implementation's (fixtures made from the reference code) within 1e-4 relative.</summary>
public class ParityTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, string> ClassifierCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Fixture.Names)
            foreach (var weights in new[] { "weights.pth", "weights_wrapped.pth" })
                if (Fixture.Get(name).Has(weights)) data.Add(name, weights);
        return data;
    }

    public static TheoryData<string, string> BackboneCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Fixture.Names)
            foreach (var weights in new[] { "weights.pth", "weights_mmseg.pth" })
                if (Fixture.Get(name).Has(weights)) data.Add(name, weights);
        return data;
    }

    [Theory]
    [MemberData(nameof(ClassifierCases))]
    public void Classifier_matches_reference_logits_and_features(string fixtureName, string weights)
    {
        var fixture = Fixture.Get(fixtureName);
        using var model = new LeMeViTClassifier(fixture.Config);
        var report = LeMeViTWeights.Load(model, fixture.PathOf(weights));
        Assert.True(report.Report.IsClean, report.ToString());
        Assert.False(report.HeadMissing);
        model.Eval();

        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var (logits, features) = model.ForwardWithFeatures(fixture.Tensor("input"));
        Assert.InRange(Fixture.RelativeError(logits, fixture.Tensor("logits")), 0, Tolerance);
        Assert.Equal(4, features.Count);
        for (var k = 0; k < 4; k++)
            Assert.InRange(Fixture.RelativeError(features[k], fixture.Tensor($"feature{k + 1}")), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(BackboneCases))]
    public void Dense_backbone_matches_reference_features(string fixtureName, string weights)
    {
        var fixture = Fixture.Get(fixtureName);
        using var model = new LeMeViTBackbone(fixture.Config);
        var report = LeMeViTWeights.Load(model, fixture.PathOf(weights));
        Assert.True(report.Report.IsClean, report.ToString());
        model.Eval();

        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var features = model.Forward(fixture.Tensor("input"));
        Assert.Equal(4, features.Count);
        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(fixture.Config.Dims[k + 1], features[k].Shape[1]);
            Assert.InRange(Fixture.RelativeError(features[k], fixture.Tensor($"feature{k + 1}")), 0, Tolerance);
        }
    }

    [Fact]
    public void Explicit_math_attention_gives_the_same_outputs_as_training_mode_graph()
    {
        // Same weights, grad mode on (no inference mode): the autograd path must compute the same values.
        var fixture = Fixture.Get("lemevit-nano");
        using var model = new LeMeViTClassifier(fixture.Config);
        LeMeViTWeights.Load(model, fixture.PathOf("weights.pth"));
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        var logits = model.Classify(fixture.Tensor("input"));
        Assert.True(logits.RequiresGrad);
        Assert.InRange(Fixture.RelativeError(logits.Detach(), fixture.Tensor("logits")), 0, Tolerance);
    }
}
