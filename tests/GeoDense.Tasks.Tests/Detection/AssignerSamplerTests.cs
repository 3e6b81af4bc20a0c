using GeoDense.Heads.OrientedRcnn;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// MaxIoUAssigner and RandomSampler on hand-made IoU matrices whose right answers are written out. Serial: the sampler
/// draws from libtorch's process-wide generator, which parallel test classes would draw from between seed and draw.
/// </summary>
[Collection(SerialCollection.Name)]
public class AssignerSamplerTests
{
    static Tensor Iou(float[,] v)
    {
        int g = v.GetLength(0), n = v.GetLength(1);
        var flat = new float[g * n];
        for (int i = 0; i < g; i++) for (int j = 0; j < n; j++) flat[i * n + j] = v[i, j];
        return Tensor.FromArray(flat, g, n);
    }

    [Fact]
    public void Rpn_assigner_marks_negatives_ignores_the_middle_band_and_adds_low_quality_matches()
    {
        // box 0: best 0.8 -> gt 0; box 1: 0.5 (between 0.3 and 0.7) -> ignored; box 2: 0.1 -> negative;
        // box 3: 0.4 is gt 1's best and >= min_pos 0.3 -> positive for gt 1 although below 0.7
        using var iou = Iou(new float[,] { { 0.8f, 0.5f, 0.1f, 0.2f }, { 0.1f, 0.2f, 0.05f, 0.4f } });
        using var result = MaxIouAssigner.Rpn.Assign(iou);
        Assert.Equal(new long[] { 1, -1, 0, 2 }, result.GtIndex.ToArray<long>());
        Assert.Equal(new float[] { 0.8f, 0.5f, 0.1f, 0.4f }, result.MaxOverlaps.ToArray<float>());
    }

    [Fact]
    public void Low_quality_matching_gives_every_tying_box_to_the_ground_truth()
    {
        using var iou = Iou(new float[,] { { 0.35f, 0.35f, 0.1f } });
        using var result = MaxIouAssigner.Rpn.Assign(iou);
        Assert.Equal(new long[] { 1, 1, 0 }, result.GtIndex.ToArray<long>());
    }

    [Fact]
    public void Rcnn_assigner_has_no_low_quality_matches_and_one_threshold()
    {
        using var iou = Iou(new float[,] { { 0.49f, 0.5f, 0.9f }, { 0.45f, 0.1f, 0.95f } });
        using var result = MaxIouAssigner.Rcnn.Assign(iou);
        Assert.Equal(new long[] { 0, 1, 2 }, result.GtIndex.ToArray<long>());
    }

    [Fact]
    public void Without_ground_truth_every_box_is_negative()
    {
        using var iou = Tensor.Zeros(0, 5);
        using var result = MaxIouAssigner.Rpn.Assign(iou);
        Assert.Equal(new long[5], result.GtIndex.ToArray<long>());
    }

    [Fact]
    public void Sampler_caps_positives_fills_with_negatives_and_returns_sorted_indices()
    {
        // 10 positives (gt 1), 2 ignored, 30 negatives; 16 samples at 25 % -> 4 positives, 12 negatives
        var gtIndex = Enumerable.Repeat(1L, 10).Concat([-1L, -1L]).Concat(Enumerable.Repeat(0L, 30)).ToArray();
        using var assign = new AssignResult(1, Tensor.FromArray(gtIndex, gtIndex.Length), Tensor.Zeros(gtIndex.Length));
        using var boxes = Tensor.Rand(gtIndex.Length, 5);
        using var gt = Tensor.Rand(1, 5);
        TorchRuntime.ManualSeed(7);
        using var sample = new RandomSampler(16, 0.25, AddGtAsProposals: false).Sample(assign, boxes, gt);
        var pos = sample.PositiveIndices.ToArray<long>();
        var neg = sample.NegativeIndices.ToArray<long>();
        Assert.Equal(4, pos.Length);
        Assert.Equal(12, neg.Length);
        Assert.All(pos, i => Assert.InRange(i, 0, 9));
        Assert.All(neg, i => Assert.InRange(i, 12, 41));
        Assert.Equal(pos.Order().ToArray(), pos);
        Assert.Equal(neg.Distinct().Count(), neg.Length);
        Assert.Equal(new long[4], sample.PositiveGtIndices.ToArray<long>());
    }

    [Fact]
    public void Sampler_draw_repeats_under_the_same_seed()
    {
        var gtIndex = Enumerable.Repeat(1L, 50).Concat(Enumerable.Repeat(0L, 50)).ToArray();
        using var assign = new AssignResult(1, Tensor.FromArray(gtIndex, gtIndex.Length), Tensor.Zeros(gtIndex.Length));
        using var boxes = Tensor.Rand(gtIndex.Length, 5);
        using var gt = Tensor.Rand(1, 5);
        long[] Draw()
        {
            TorchRuntime.ManualSeed(11);
            using var s = new RandomSampler(20, 0.5, false).Sample(assign, boxes, gt);
            return s.PositiveIndices.ToArray<long>().Concat(s.NegativeIndices.ToArray<long>()).ToArray();
        }
        Assert.Equal(Draw(), Draw());
    }

    [Fact]
    public void Ground_truth_added_as_proposals_comes_first_and_is_positive()
    {
        var gtIndex = new long[] { 0, 0, 2, 0 };
        using var assign = new AssignResult(2, Tensor.FromArray(gtIndex, 4), Tensor.Zeros(4));
        using var boxes = Tensor.Rand(4, 5);
        using var gt = Tensor.Rand(2, 5);
        using var sample = new RandomSampler(512, 0.25, AddGtAsProposals: true).Sample(assign, boxes, gt);
        Assert.Equal(6, sample.Boxes.Size(0));
        Assert.Equal(new long[] { 0, 1, 4 }, sample.PositiveIndices.ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 1 }, sample.PositiveGtIndices.ToArray<long>());
        Assert.Equal(new long[] { 2, 3, 5 }, sample.NegativeIndices.ToArray<long>());
    }
}
