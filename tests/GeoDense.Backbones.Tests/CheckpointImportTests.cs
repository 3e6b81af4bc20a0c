using GeoDense.Torch.Checkpoints;

namespace GeoDense.Backbones.Tests;

public class CheckpointImportTests
{
    [Fact]
    public void Classifier_loads_a_backbone_only_checkpoint_and_reports_the_missing_head()
    {
        var fixture = Fixture.Get("lemevit-nano");
        using var model = new LeMeViTClassifier(fixture.Config);
        var report = LeMeViTWeights.Load(model, fixture.PathOf("weights_mmseg.pth"));
        Assert.True(report.HeadMissing);
        Assert.True(report.Report.IsClean);
        Assert.Contains("no classification head", report.ToString());
    }

    [Fact]
    public void Dense_backbone_ignores_the_classification_head()
    {
        var fixture = Fixture.Get("lemevit-nano");
        using var model = new LeMeViTBackbone(fixture.Config);
        var report = LeMeViTWeights.Load(model, fixture.PathOf("weights_wrapped.pth"));
        Assert.True(report.Report.IsClean);
        Assert.Equal(["head.weight", "head.bias"], report.IgnoredKeys);
    }

    [Fact]
    public void Wrong_architecture_fails_strictly_listing_every_problem_and_copies_nothing()
    {
        var fixture = Fixture.Get("lemevit-nano");
        using var model = new LeMeViTClassifier(LeMeViTConfig.Tiny with { NumClasses = 51 });
        var before = model.StateDict()["meta_tokens"].ToArray<float>();
        var error = Assert.Throws<CheckpointInputException>(() => LeMeViTWeights.Load(model, fixture.PathOf("weights.pth")));
        Assert.Contains("weights.pth", error.Message);
        Assert.Contains("missing keys", error.Message);          // tiny has more blocks
        Assert.Contains("stages.1.1.norm1.weight", error.Message);
        Assert.Contains("shape mismatches", error.Message);
        Assert.Contains("meta_tokens: model has [16, 64], checkpoint has [16, 32]", error.Message);
        Assert.Equal(before, model.StateDict()["meta_tokens"].ToArray<float>());
    }

    [Fact]
    public void Non_strict_load_copies_what_matches_and_reports_the_rest()
    {
        var fixture = Fixture.Get("lemevit-nano");
        using var model = new LeMeViTClassifier(fixture.Config with { NumClasses = 10 });
        var report = LeMeViTWeights.Load(model, fixture.PathOf("weights.pth"), strict: false);
        Assert.Equal(2, report.Report.ShapeMismatches.Count);
        Assert.All(report.Report.ShapeMismatches, m => Assert.StartsWith("head.", m.Key));
        var reference = Checkpoint.LoadStateDict(fixture.PathOf("weights.pth"))["meta_tokens"].ToArray<float>();
        Assert.Equal(reference, model.StateDict()["meta_tokens"].ToArray<float>());
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_a_checkpoint_input_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-checkpoint-{Guid.NewGuid():N}.pth");
        File.WriteAllText(path, "hello");
        try
        {
            using var model = new LeMeViTBackbone(LeMeViTConfig.Nano);
            var error = Assert.Throws<CheckpointInputException>(() => LeMeViTWeights.Load(model, path));
            Assert.Contains(path, error.Message);
        }
        finally { File.Delete(path); }
    }
}
