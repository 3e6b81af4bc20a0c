namespace GeoDense.Torch.NN;

/// <summary>
/// A backbone for dense prediction (mmseg/mmdet style): image -> feature maps at increasing strides, finest first.
/// Necks and heads size themselves from <see cref="FeatureChannels"/> and <see cref="FeatureStrides"/> instead of
/// knowing the architecture. Implemented by a <see cref="Module"/>, so a model can register it and its weights.
/// </summary>
public interface IDenseBackbone
{
    /// <summary>Channels of each feature map, in the order <see cref="Forward"/> returns them.</summary>
    IReadOnlyList<int> FeatureChannels { get; }

    /// <summary>Input pixels per feature pixel of each map (e.g. 4, 8, 16, 32).</summary>
    IReadOnlyList<int> FeatureStrides { get; }

    /// <summary>Feature maps [B, FeatureChannels[k], ceil(H/FeatureStrides[k]), ceil(W/FeatureStrides[k])] for an
    /// image [B, C, H, W]; the results belong to the caller's scope.</summary>
    IReadOnlyList<Tensor> Forward(Tensor image);
}
