namespace GeoDense.Torch.NN;

/// <summary>
/// Stochastic depth (timm's DropPath): in training, zeroes a residual branch for a random subset of the
/// samples in a batch and scales the kept ones by 1/keep so the expectation is unchanged. Identity in eval
/// mode or at rate 0. Has no state-dict keys.
/// </summary>
public sealed class DropPath(double rate) : Module<Tensor, Tensor>
{
    public double Rate { get; } = rate is >= 0 and < 1 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), rate, "drop-path rate must be in [0, 1)");

    public override Tensor Forward(Tensor input)
    {
        if (!Training || Rate == 0) return input;
        var keep = 1 - Rate;
        var maskShape = new long[input.Dim];
        Array.Fill(maskShape, 1L);
        maskShape[0] = input.Shape[0];
        using var mask = Tensor.Empty(maskShape, input.DType, input.Device).Bernoulli_(keep).Div_(keep);
        return input.Mul(mask);
    }
}
