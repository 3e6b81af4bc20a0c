using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Losses (torch.nn.functional names). Reductions default to Mean as in PyTorch.
public static partial class Functional
{
    /// <summary>Cross-entropy over dim 1 of logits (N, C, ...). Targets are class indices (int64, may
    /// hold <paramref name="ignoreIndex"/>) or class probabilities (same shape as input).</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, double labelSmoothing = 0) =>
        Wrap(NativeMethods.gd_cross_entropy(input.NativeHandle, target.NativeHandle, H(weight), (int)reduction, ignoreIndex, labelSmoothing));

    /// <summary>Negative log-likelihood of log-probabilities (N, C, ...).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Wrap(NativeMethods.gd_nll_loss(input.NativeHandle, target.NativeHandle, H(weight), (int)reduction, ignoreIndex));

    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) =>
        Wrap(NativeMethods.gd_smooth_l1_loss(input.NativeHandle, target.NativeHandle, (int)reduction, beta));

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Wrap(NativeMethods.gd_l1_loss(input.NativeHandle, target.NativeHandle, (int)reduction));

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Wrap(NativeMethods.gd_mse_loss(input.NativeHandle, target.NativeHandle, (int)reduction));

    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean) =>
        Wrap(NativeMethods.gd_bce_with_logits(input.NativeHandle, target.NativeHandle, H(weight), H(posWeight), (int)reduction));

    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
        Wrap(NativeMethods.gd_bce(input.NativeHandle, target.NativeHandle, H(weight), (int)reduction));
}
