using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Losses (torch.nn.functional names). Reductions default to Mean as in PyTorch.
public static partial class Functional
{
    /// <summary>Cross-entropy over dim 1 of logits (N, C, ...). Targets are class indices (int64, may
    /// hold <paramref name="ignoreIndex"/>) or class probabilities (same shape as input).</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, double labelSmoothing = 0) =>
        Tensor.Wrap(NativeMethods.gd_cross_entropy(input.Handle, target.Handle, Tensor.H(weight), (int)reduction, ignoreIndex, labelSmoothing), input, target, weight);

    /// <summary>Negative log-likelihood of log-probabilities (N, C, ...).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Tensor.Wrap(NativeMethods.gd_nll_loss(input.Handle, target.Handle, Tensor.H(weight), (int)reduction, ignoreIndex), input, target, weight);

    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) =>
        Tensor.Wrap(NativeMethods.gd_smooth_l1_loss(input.Handle, target.Handle, (int)reduction, beta), input, target);

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.gd_l1_loss(input.Handle, target.Handle, (int)reduction), input, target);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.gd_mse_loss(input.Handle, target.Handle, (int)reduction), input, target);

    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.gd_bce_with_logits(input.Handle, target.Handle, Tensor.H(weight), Tensor.H(posWeight), (int)reduction), input, target, weight, posWeight);

    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.gd_bce(input.Handle, target.Handle, Tensor.H(weight), (int)reduction), input, target, weight);
}
