namespace GeoDense.Torch.NN;

// Parameter-free layers.

public sealed class GELU(bool tanhApproximation = false) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Gelu(tanhApproximation);
}

public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}

public sealed class SiLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Silu();
}

/// <summary>Dropout with probability p while training; identity in eval mode.</summary>
public sealed class Dropout(double p = 0.5) : Module<Tensor, Tensor>
{
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training && P > 0);
}

/// <summary>Returns its input unchanged (the same tensor object).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input;
}
