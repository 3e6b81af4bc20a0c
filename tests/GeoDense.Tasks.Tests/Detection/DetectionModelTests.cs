using GeoDense.Heads.OrientedRcnn;
using GeoDense.Tasks.Detection;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>The whole detector on nano shapes: training losses with gradients everywhere, and test-time detections.</summary>
[Collection(SerialCollection.Name)]
public class DetectionModelTests
{
    static DetectionModel Nano()
    {
        TorchRuntime.ManualSeed(3);
        return DetectionModels.Create(StateDictKeyTests.Pipeline("lemevit-nano", 3, fpn: 32, fc: 64) with { });
    }

    static ObbTargets Target(params float[][] boxes) => new(
        Tensor.FromArray(boxes.SelectMany(b => b[..5]).ToArray(), boxes.Length, 5),
        Tensor.FromArray(boxes.Select(b => (long)b[5]).ToArray(), boxes.Length));

    [Fact]
    public void Losses_are_finite_and_reach_every_head()
    {
        using var model = Nano();
        model.Train();
        model.FreezeBackboneNorms();
        TorchRuntime.ManualSeed(5);
        using var scope = TorchRuntime.NewScope();
        var images = Tensor.Randn(2, 3, 96, 96);
        var targets = new[]
        {
            Target([40, 40, 40, 20, 0.3f, 0], [70, 60, 30, 28, -1.0f, 2]),
            Target([50, 30, 36, 12, 1.2f, 1]),
        };
        using var losses = model.Losses(images, targets);
        foreach (var loss in new[] { losses.RpnCls, losses.RpnBbox, losses.Cls, losses.Bbox })
            Assert.True(float.IsFinite(loss.Item<float>()) && loss.Item<float>() >= 0, $"loss {loss.Item<float>()}");
        losses.Total().Backward();
        foreach (var key in new[] { "rpn_head.rpn_cls.weight", "rpn_head.rpn_reg.weight", "roi_head.bbox_head.fc_cls.weight",
                     "roi_head.bbox_head.fc_reg.weight", "neck.fpn_convs.0.conv.weight", "backbone.downsample_layers.0.0.weight" })
        {
            var p = model.NamedParameters().First(kv => kv.Key == key).Value;
            Assert.True(p.Grad is { } g && g.Abs().Sum().Item<float>() > 0, $"{key} got no gradient");
        }
        foreach (var t in targets) t.Dispose();
    }

    [Fact]
    public void Backbone_norms_stay_in_eval_mode_while_the_heads_train()
    {
        using var model = Nano();
        model.Train();
        model.FreezeBackboneNorms();
        Assert.All(model.Backbone.Modules().OfType<Torch.NN.BatchNorm2d>(), bn => Assert.False(bn.Training));
        Assert.All(model.Backbone.Modules().OfType<Torch.NN.LayerNorm>(), ln => Assert.False(ln.Training));
        Assert.True(model.RoiHead.Training);
    }

    [Fact]
    public void Detect_gives_scored_labelled_boxes_per_image()
    {
        using var model = Nano();
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        TorchRuntime.ManualSeed(9);
        var detections = model.Detect(Tensor.Randn(2, 3, 64, 96));
        Assert.Equal(2, detections.Count);
        foreach (var d in detections)
        {
            Assert.Equal(new long[] { d.Count, 5 }, d.Boxes.Shape);
            Assert.All(d.Scores.ToArray<float>(), s => Assert.InRange(s, 0.05f, 1f));
            Assert.All(d.Labels.ToArray<long>(), l => Assert.InRange(l, 0, 2));
            var scores = d.Scores.ToArray<float>();
            Assert.Equal(scores.OrderDescending().ToArray(), scores);
        }
    }

    [Fact]
    public void A_LIT_backbone_serves_the_detector_with_no_detection_specific_code()
    {
        TorchRuntime.ManualSeed(3);
        using var model = DetectionModels.Create(StateDictKeyTests.Pipeline("lit-nano", 3, fpn: 32, fc: 64));
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        var detections = model.Detect(Tensor.Randn(1, 3, 64, 96));
        Assert.Single(detections);
        Assert.Equal(new long[] { detections[0].Count, 5 }, detections[0].Boxes.Shape);
        Assert.Contains(model.StateDict().Keys, k => k.StartsWith("backbone.", StringComparison.Ordinal));
    }

    [Fact]
    public void Roi_extractor_enlarges_before_choosing_the_level()
    {
        var extractor = new RotatedRoiExtractor(new RoiExtractorSettings(), [4, 8, 16, 32]);
        // 100 x 100 -> enlarged 120 x 140 (√ = 129.6): log2(129.6 / 56) = 1.21 -> level 1; unenlarged it would be 0.
        using var rois = Tensor.FromArray(new float[] { 0, 50, 50, 100, 100, 0, 0, 50, 50, 30, 30, 0, 0, 50, 50, 1000, 800, 0 }, 3, 6);
        using var enlarged = extractor.Enlarge(rois);
        var size = enlarged[0].Narrow(0, 3, 2).ToArray<float>();
        Assert.Equal(120, size[0], 3);
        Assert.Equal(140, size[1], 3);
        using var levels = extractor.MapLevels(enlarged, 4);
        Assert.Equal(new long[] { 1, 0, 3 }, levels.ToArray<long>());
    }

    [Fact]
    public void A_roi_of_no_level_gets_zero_features_and_keeps_its_row()
    {
        var extractor = new RotatedRoiExtractor(new RoiExtractorSettings(), [4, 8, 16, 32]);
        using var scope = TorchRuntime.NewScope();
        var features = new[] { Tensor.Ones(1, 2, 16, 16), Tensor.Ones(1, 2, 8, 8), Tensor.Ones(1, 2, 4, 4), Tensor.Ones(1, 2, 2, 2) };
        // the second roi's width is NaN (what a diverged box regression gives): no level takes it, as in the reference
        var rois = Tensor.FromArray(new float[] { 0, 30, 30, 20, 10, 0.2f, 0, 30, 30, float.NaN, 10, 0 }, 2, 6);
        var output = extractor.Extract(features, rois);
        Assert.Equal(new long[] { 2, 2, 7, 7 }, output.Shape);
        Assert.True(output[0].Abs().Sum().Item<float>() > 0);
        Assert.Equal(0f, output[1].Abs().Sum().Item<float>());
    }
}
