using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// OBBDetection's OBBSingleRoIExtractor: every RoI (batch index, cx, cy, w, h, θ) is first enlarged (w x1.2, h x1.4;
/// the reference's extend_factor is read as (h, w)); the ENLARGED box picks the level,
/// floor(log2(√(w·h) / 56 + 1e-6)) clamped to the available levels, and is what RoIAlignRotated samples.
/// </summary>
public sealed class RotatedRoiExtractor(RoiExtractorSettings settings, IReadOnlyList<int> strides)
{
    public RoiExtractorSettings Settings { get; } = settings;

    /// <summary>Rois [K, 6] -> features [K, C, out, out] from the first <c>strides.Count</c> FPN levels.</summary>
    public Tensor Extract(IReadOnlyList<Tensor> features, Tensor rois)
    {
        using var scope = TorchRuntime.NewScope();
        var enlarged = Enlarge(rois);
        var levels = MapLevels(enlarged, strides.Count);
        // as the reference: zeros, then each level's rows filled in; a roi of no level (a degenerate box) keeps zeros
        var output = Tensor.Zeros([rois.Size(0), features[0].Size(1), Settings.OutSize, Settings.OutSize], features[0].DType, features[0].Device);
        for (int level = 0; level < strides.Count; level++)
        {
            var index = levels.Eq(level).Nonzero().Reshape(-1);
            if (index.Numel == 0) continue;
            output.IndexPut_(index, RotatedOps.RoiAlignRotated(features[level], enlarged.Index(index), Settings.OutSize, Settings.OutSize,
                1.0 / strides[level], Settings.SamplingRatio, Settings.Aligned));
        }
        return output.MoveToOuter();
    }

    /// <summary>roi_rescale with extend_factor (h, w): width x ExtendWidth, height x ExtendHeight.</summary>
    public Tensor Enlarge(Tensor rois)
    {
        using var scope = TorchRuntime.NewScope();
        var c = rois.Unbind(1);
        return Tensor.Stack([c[0], c[1], c[2], c[3].Mul(Settings.ExtendWidth), c[4].Mul(Settings.ExtendHeight), c[5]], 1).MoveToOuter();
    }

    /// <summary>map_roi_levels on (already enlarged) rois: [K] int64 level indices.</summary>
    public Tensor MapLevels(Tensor rois, int levelCount)
    {
        using var scope = TorchRuntime.NewScope();
        var scale = rois.Select(1, 3).Mul(rois.Select(1, 4)).Sqrt();
        return scale.Div(Settings.FinestScale).Add(1e-6).Log2().Floor().Clamp(0, levelCount - 1).Long().MoveToOuter();
    }
}
