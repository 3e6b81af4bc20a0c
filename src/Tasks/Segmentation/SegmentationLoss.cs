using GeoDense.Torch;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// mmseg's CrossEntropyLoss with `avg_non_ignore=True`: logits are resized (bilinear) to the label size,
/// the per-pixel losses of non-ignored pixels are summed and divided by their count (+ float32 eps, as
/// mmseg's weight_reduce_loss does, so an all-ignored batch gives 0).
/// </summary>
public static class SegmentationLoss
{
    const double Float32Eps = 1.1920928955078125e-07;

    public static Tensor CrossEntropy(Tensor logits, Tensor labels, long ignoreIndex, bool alignCorners = false)
    {
        using var scope = TorchRuntime.NewScope();
        var shape = labels.Shape;
        var resized = Functional.Interpolate(logits, (shape[^2], shape[^1]), mode: InterpolationMode.Bilinear, alignCorners: alignCorners);
        var total = Functional.CrossEntropy(resized, labels, reduction: Reduction.Sum, ignoreIndex: ignoreIndex);
        long counted;
        using (TorchRuntime.NoGrad()) counted = labels.Ne(ignoreIndex).Sum().Item<long>();
        return total.Div(counted + Float32Eps).MoveToOuter();
    }
}
