using GeoDense.Tasks.Detection;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// An mmcv-style checkpoint (`{"state_dict": ..., "meta": ...}`, torch.save zip) of a nano detector whose backbone is the
/// reference LeMeViT detection backbone (tests/reference/oriented_rcnn_ref.py): it loads strictly through the one
/// loading path, every tensor lands where the reference put it, and the loaded model detects.
/// </summary>
public class ReferenceCheckpointTests
{
    static readonly string Weights = Path.Combine(AppContext.BaseDirectory, "TestData", "oriented-rcnn", "detector-nano.pth");

    static Tasks.Pipelines.DetectionPipeline Nano() => StateDictKeyTests.Pipeline("lemevit-nano", 3, fpn: 16, fc: 32) with
    {
        Model = StateDictKeyTests.Pipeline("lemevit-nano", 3, fpn: 16, fc: 32).Model with { Classes = ["plane", "ship", "small-vehicle"] },
    };

    [Fact]
    public void Mmcv_checkpoint_loads_strictly_with_every_tensor_in_place()
    {
        using var session = DetectionModels.Load(Nano(), "nano.yaml", Weights, Device.Cpu);
        var reference = Checkpoint.LoadStateDict(Weights);
        var ours = session.Model.StateDict();
        Assert.Equal(reference.Keys.ToList(), ours.Keys.ToList());
        foreach (var key in new[] { "backbone.extra_norms.2.weight", "neck.lateral_convs.3.conv.bias", "rpn_head.rpn_reg.weight",
                     "roi_head.bbox_head.fc_cls.weight", "backbone.norm_c.bias" })
        {
            using var expected = reference[key].ToTensor();
            Fixture.AssertClose(expected, ours[key], 0);
        }
    }

    [Fact]
    public void Reference_weights_of_another_width_are_refused_in_one_line()
    {
        var wider = StateDictKeyTests.Pipeline("lemevit-nano", 3, fpn: 32, fc: 32);
        var e = Assert.ThrowsAny<InputException>(() => DetectionModels.Load(wider, "wider.yaml", Weights, Device.Cpu));
        Assert.Contains("oriented-rcnn(fpn 16, fc 32)", e.Message);
        Assert.Contains("oriented-rcnn(fpn 32, fc 32)", e.Message);
    }

    [Fact]
    public void Loaded_reference_detector_runs_on_a_window()
    {
        using var session = DetectionModels.Load(Nano(), "nano.yaml", Weights, Device.Cpu);
        using var scope = TorchRuntime.NewScope();
        TorchRuntime.ManualSeed(1);
        var detections = session.Model.Detect(Tensor.Randn(1, 3, 64, 64));
        Assert.Single(detections);
        Assert.All(detections[0].Labels.ToArray<long>(), l => Assert.InRange(l, 0, 2));
    }
}
