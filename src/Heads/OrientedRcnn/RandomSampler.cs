using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// The boxes a <see cref="RandomSampler"/> picked: indices into <see cref="Boxes"/> (which start with the ground
/// truth when it was added as proposals), and for each positive the ground truth it regresses to.
/// </summary>
public sealed record SamplingResult(Tensor Boxes, Tensor PositiveIndices, Tensor NegativeIndices, Tensor PositiveGtIndices) : IDisposable
{
    public long PositiveCount => PositiveIndices.Numel;
    public long NegativeCount => NegativeIndices.Numel;

    public void Dispose()
    {
        Boxes.Dispose();
        PositiveIndices.Dispose();
        NegativeIndices.Dispose();
        PositiveGtIndices.Dispose();
    }
}

/// <summary>
/// mmdet's RandomSampler (OBBRandomSampler for rotated boxes: the same draw): up to num·pos_fraction positives, the
/// rest negatives, each drawn without replacement by torch.randperm — so the draw is reproducible from libtorch's
/// generator, which the training loop re-seeds from (seed, iteration) before every step. Indices come back sorted
/// (the reference passes them through unique()).
/// </summary>
public sealed record RandomSampler(int Num, double PosFraction, bool AddGtAsProposals)
{
    /// <summary>RPN: 256 samples, half positive.</summary>
    public static RandomSampler Rpn { get; } = new(256, 0.5, false);
    /// <summary>R-CNN: 512 samples, a quarter positive, the ground truth added as proposals.</summary>
    public static RandomSampler Rcnn { get; } = new(512, 0.25, true);

    /// <summary>Samples <paramref name="boxes"/> [N, D] assigned against <paramref name="gtBoxes"/> [G, D].</summary>
    public SamplingResult Sample(AssignResult assign, Tensor boxes, Tensor gtBoxes)
    {
        using var scope = TorchRuntime.NewScope();
        var gtIndex = assign.GtIndex;
        // the result owns its box list: an alias of the caller's boxes, or a new list with the ground truth in front
        boxes = boxes.Alias();
        if (AddGtAsProposals && gtBoxes.Size(0) > 0)
        {
            boxes = Tensor.Cat([gtBoxes.To(boxes.DType), boxes], 0);
            gtIndex = Tensor.Cat([Tensor.Arange(1, gtBoxes.Size(0) + 1, 1, ScalarType.Int64, gtIndex.Device), gtIndex], 0);
        }
        var positives = Choose(gtIndex.Gt(0).Nonzero().Reshape(-1), (int)(Num * PosFraction));
        var negatives = Choose(gtIndex.Eq(0).Nonzero().Reshape(-1), Num - (int)positives.Numel);
        var positiveGt = gtIndex.Index(positives).Sub(1);
        return new SamplingResult(boxes.MoveToOuter(), positives.MoveToOuter(), negatives.MoveToOuter(), positiveGt.MoveToOuter());
    }

    static Tensor Choose(Tensor candidates, int count)
    {
        if (candidates.Numel <= count) return candidates.Alias();
        using var scope = TorchRuntime.NewScope();
        var perm = Tensor.RandPerm(candidates.Numel, candidates.Device).Narrow(0, 0, count);
        return candidates.Index(perm).Unique().MoveToOuter();
    }
}
