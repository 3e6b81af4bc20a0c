namespace GeoDense.Torch.NN;

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
