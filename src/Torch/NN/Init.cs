namespace GeoDense.Torch.NN;

public enum FanMode
{
    FanIn,
    FanOut,
}

public enum Nonlinearity
{
    Linear,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
}

/// <summary>torch.nn.init: in-place initialisers (run without recording gradients). Each returns its tensor.</summary>
public static class Init
{
    public static Tensor Constant_(Tensor tensor, double value)
    {
        using var _ = TorchRuntime.NoGrad();
        return tensor.Fill_(value);
    }

    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1)
    {
        using var _ = TorchRuntime.NoGrad();
        return tensor.Uniform_(a, b);
    }

    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1)
    {
        using var _ = TorchRuntime.NoGrad();
        return tensor.Normal_(mean, std);
    }

    /// <summary>Normal(mean, std) truncated to [a, b] (absolute bounds, as torch/timm trunc_normal_).</summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
    {
        TorchException.Check(Native.NativeMethods.gd_tensor_trunc_normal_(tensor.Handle, mean, std, a, b), tensor);
        return tensor;
    }

    /// <summary>
    /// timm's vision-transformer initialisation (the `_init_weights` of LeMeViT's and LIT's reference code), applied to
    /// every submodule in <see cref="Module.Modules"/> order: Linear weights trunc-normal(std 0.02) with zero bias,
    /// LayerNorms weight 1 / bias 0; convolutions, BatchNorms and parameters of other kinds keep what they have. The
    /// order of the draws is part of the contract: a model's initial weights for a seed must not change.
    /// </summary>
    public static void TimmLinearsAndNorms_(Module model)
    {
        using var noGrad = TorchRuntime.NoGrad();
        foreach (var module in model.Modules())
        {
            switch (module)
            {
                case Linear linear:
                    TruncNormal_(linear.Weight, std: 0.02);
                    if (linear.Bias is not null) Zeros_(linear.Bias);
                    break;
                case LayerNorm norm:
                    if (norm.Weight is not null) Ones_(norm.Weight);
                    if (norm.Bias is not null) Zeros_(norm.Bias);
                    break;
            }
        }
    }

    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        var bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound);
    }

    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        return Normal_(tensor, 0, std);
    }

    public static Tensor XavierUniform_(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(tensor);
        var bound = Math.Sqrt(3.0) * gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Uniform_(tensor, -bound, bound);
    }

    public static Tensor XavierNormal_(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(tensor);
        return Normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    public static double CalculateGain(Nonlinearity nonlinearity, double param = 0) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + param * param)),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity)),
    };

    /// <summary>(fan_in, fan_out) as torch.nn.init computes them: dims 1 and 0 times the receptive field.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2) throw new ArgumentException("fan in/out need a tensor with at least 2 dimensions");
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    private static long Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = Fans(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }
}
