using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.UperNet;

/// <summary>nn.AdaptiveAvgPool2d (stateless).</summary>
public sealed class AdaptiveAvgPool2d(int outputSize) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);
}

/// <summary>
/// nn.Dropout2d: while training, zeroes whole channels with probability p (one draw per sample and channel)
/// and scales the rest by 1/(1-p); identity in eval mode.
/// </summary>
public sealed class Dropout2d(double p) : Module<Tensor, Tensor>
{
    public double P { get; } = p is >= 0 and < 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");

    public override Tensor Forward(Tensor input)
    {
        if (!Training || P == 0) return input.Alias();
        using var scope = TorchRuntime.NewScope();
        var shape = input.Shape;
        var keep = Tensor.Empty([shape[0], shape[1], 1, 1], input.DType, input.Device).Bernoulli_(1 - P).Div_(1 - P);
        return input.Mul(keep).MoveToOuter();
    }
}

/// <summary>mmseg's `resize`: bilinear, align_corners as configured.</summary>
static class Resize
{
    public static Tensor Bilinear(Tensor x, (long H, long W) size, bool alignCorners) =>
        Functional.Interpolate(x, size, mode: InterpolationMode.Bilinear, alignCorners: alignCorners);

    public static (long H, long W) SpatialSize(Tensor x)
    {
        var s = x.Shape;
        return (s[^2], s[^1]);
    }
}
