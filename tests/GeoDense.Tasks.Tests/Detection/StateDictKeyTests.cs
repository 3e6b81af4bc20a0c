using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// The lemevit-small detector's state dict against tests/fixtures/oriented-rcnn/keys-small.txt: the reference
/// LeMeViT detection backbone's own keys (extra_norms, norm, norm_c included) and the config's neck / rpn_head /
/// roi_head modules — names, shapes and order, so an mmcv checkpoint of the reference loads strictly.
/// </summary>
public class StateDictKeyTests
{
    internal static DetectionPipeline Pipeline(string backbone, int classes, int fpn = 256, int fc = 1024) => new()
    {
        Model = new DetectionModelSection
        {
            Backbone = backbone, Head = "oriented-rcnn", FpnChannels = fpn, FcChannels = fc,
            Classes = Enumerable.Range(0, classes).Select(i => $"class{i}").ToList(),
        },
    };

    [Fact]
    public void Small_detector_keys_and_shapes_equal_the_reference()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "oriented-rcnn", "keys-small.txt"))
            .Where(l => l.Length > 0).ToList();
        using var model = DetectionModels.Create(Pipeline("lemevit-small", 15));
        var ours = model.StateDict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.Shape)}]").ToList();
        Assert.Equal(expected, ours);
    }

    [Fact]
    public void Background_is_the_last_of_classes_plus_one_scores_and_regression_is_class_agnostic()
    {
        using var model = DetectionModels.Create(Pipeline("lemevit-nano", 3, fpn: 32, fc: 64));
        Assert.Equal(new long[] { 4, 64 }, model.RoiHead.BboxHead.FcCls.Weight.Shape);
        Assert.Equal(new long[] { 5, 64 }, model.RoiHead.BboxHead.FcReg.Weight.Shape);
        Assert.Equal(new long[] { 64, 32 * 7 * 7 }, model.RoiHead.BboxHead.SharedFcs[0].Weight.Shape);
    }
}
