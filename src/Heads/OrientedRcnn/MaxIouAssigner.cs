using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// What a <see cref="MaxIouAssigner"/> decided per box: <see cref="GtIndex"/> [N] int64 is 0 for negative, -1 for
/// ignored, k + 1 for "matched ground truth k"; <see cref="MaxOverlaps"/> [N] the best IoU of each box.
/// </summary>
public sealed record AssignResult(int GtCount, Tensor GtIndex, Tensor MaxOverlaps) : IDisposable
{
    public void Dispose() { GtIndex.Dispose(); MaxOverlaps.Dispose(); }
}

/// <summary>
/// mmdet's MaxIoUAssigner on a precomputed IoU matrix [G, N] (ground truth x boxes): negative when the best IoU is
/// in [0, neg), positive (its argmax) when >= pos; with low-quality matching every ground truth whose best IoU is
/// >= min_pos also takes its best box (the first one; gt_max_assign_all then takes all boxes tying with it).
/// The RPN computes the IoU horizontally (anchors vs the ground truth's enclosing box), the R-CNN rotated.
/// </summary>
public sealed record MaxIouAssigner(double PosIou, double NegIou, double MinPosIou, bool MatchLowQuality, bool GtMaxAssignAll = true)
{
    /// <summary>RPN: 0.7 / 0.3, min_pos 0.3, low-quality matches.</summary>
    public static MaxIouAssigner Rpn { get; } = new(0.7, 0.3, 0.3, true);
    /// <summary>R-CNN: 0.5 / 0.5, no low-quality matches.</summary>
    public static MaxIouAssigner Rcnn { get; } = new(0.5, 0.5, 0.5, false);

    public AssignResult Assign(Tensor overlaps)
    {
        using var scope = TorchRuntime.NewScope();
        long gts = overlaps.Size(0), boxes = overlaps.Size(1);
        if (gts == 0 || boxes == 0)
        {
            var none = Tensor.Full([boxes], gts == 0 ? 0 : -1, ScalarType.Int64, overlaps.Device);
            return new AssignResult((int)gts, none.MoveToOuter(), Tensor.Zeros([boxes], ScalarType.Float32, overlaps.Device).MoveToOuter());
        }
        var (maxOverlaps, argmax) = overlaps.Max(0);
        var (gtMax, gtArgmax) = overlaps.Max(1);
        var assigned = Tensor.Full([boxes], -1, ScalarType.Int64, overlaps.Device);
        assigned.MaskedFill_(maxOverlaps.Ge(0).LogicalAnd(maxOverlaps.Lt(NegIou)), 0);
        var positive = maxOverlaps.Ge(PosIou);
        assigned = Tensor.Where(positive, argmax.Add(1), assigned);
        if (MatchLowQuality)
        {
            var best = gtMax.ToArray<float>();
            var bestIndex = gtArgmax.ToArray<long>();
            for (int g = 0; g < gts; g++)
            {
                if (best[g] < MinPosIou) continue;
                if (GtMaxAssignAll) assigned.MaskedFill_(overlaps[g].Eq(gtMax[g]), g + 1);
                else assigned.Narrow(0, bestIndex[g], 1).Fill_(g + 1);
            }
        }
        return new AssignResult((int)gts, assigned.MoveToOuter(), maxOverlaps.MoveToOuter());
    }
}
