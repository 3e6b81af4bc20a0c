using GeoDense.Torch;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// The reference's "bce" criterion is 2-class cross-entropy over the logits; `ce_dice` adds its utils/losses.py
/// dice loss (1 - mean over both classes of 2·Σ p·t / Σ (p + t), softmax probabilities, sums over batch and pixels).
/// </summary>
public static class ChangeLoss
{
    /// <param name="logits">[B, 2, H, W]</param>
    /// <param name="labels">[B, H, W] int64, 0/1</param>
    /// <returns>total, cross-entropy, dice (0 when not used); owned by the caller's scope</returns>
    public static (Tensor Total, Tensor CrossEntropy, Tensor? Dice) Compute(Tensor logits, Tensor labels, bool withDice)
    {
        var ce = F.CrossEntropy(logits, labels);
        if (!withDice) return (ce, ce, null);
        var dice = Dice(logits, labels);
        return (ce.Add(dice), ce, dice);
    }

    public static Tensor Dice(Tensor logits, Tensor labels, double eps = 1e-7)
    {
        using var scope = TorchRuntime.NewScope();
        var classes = logits.Shape[1];
        var truth = labels.OneHot(classes).Permute(0, 3, 1, 2).To(logits.DType);
        var probabilities = F.Softmax(logits, 1);
        long[] dims = [0, 2, 3];
        var intersection = probabilities.Mul(truth).Sum(dims);
        var cardinality = probabilities.Add(truth).Sum(dims);
        return intersection.Mul(2).Div(cardinality.Add(eps)).Mean().Neg().Add(1).MoveToOuter();
    }
}
