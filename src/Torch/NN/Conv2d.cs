namespace GeoDense.Torch.NN;

/// <summary>2-D convolution. Keys: weight [out, in/groups, kh, kw], bias [out]. Initialised like torch.nn.Conv2d.</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public (long H, long W) Stride { get; }
    public (long H, long W) Padding { get; }
    public (long H, long W) Dilation { get; }
    public long Groups { get; }

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (dilation, dilation), groups, bias)
    {
    }

    public Conv2d(long inChannels, long outChannels, (long H, long W) kernelSize, (long H, long W) stride, (long H, long W) padding,
        (long H, long W) dilation, long groups = 1, bool bias = true)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})");
        (Stride, Padding, Dilation, Groups) = (stride, padding, dilation, groups);
        using var scope = TorchRuntime.NewScope();
        var weight = Init.KaimingUniform_(Tensor.Empty(outChannels, inChannels / groups, kernelSize.H, kernelSize.W), Math.Sqrt(5));
        Weight = RegisterParameter("weight", weight);
        if (bias)
        {
            var bound = 1 / Math.Sqrt(Init.Fans(weight).FanIn);
            Bias = RegisterParameter("bias", Init.Uniform_(Tensor.Empty(outChannels), -bound, bound));
        }
    }

    /// <summary>A convolution with the given weights (copied), e.g. the result of folding a BatchNorm.</summary>
    public Conv2d(Tensor weight, Tensor? bias, (long H, long W) stride, (long H, long W) padding, (long H, long W) dilation, long groups = 1)
    {
        (Stride, Padding, Dilation, Groups) = (stride, padding, dilation, groups);
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        Weight = RegisterParameter("weight", weight.Detach().Clone());
        if (bias is not null) Bias = RegisterParameter("bias", bias.Detach().Clone());
    }

    /// <summary>
    /// This convolution followed by <paramref name="bn"/> (in eval mode) as one convolution:
    /// w' = w·γ/√(var+ε) per output channel, b' = (b − mean)·γ/√(var+ε) + β. For inference only;
    /// the new module has no BatchNorm keys.
    /// </summary>
    public Conv2d FoldBatchNorm(BatchNorm2d bn)
    {
        if (bn.RunningMean is null || bn.RunningVar is null)
            throw new InvalidOperationException("only a BatchNorm2d that tracks running statistics can be folded");
        if (bn.NumFeatures != Weight.Size(0))
            throw new ArgumentException($"BatchNorm2d has {bn.NumFeatures} features but the convolution has {Weight.Size(0)} output channels");
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var scale = (bn.RunningVar + bn.Eps).Rsqrt();
        if (bn.Weight is not null) scale = scale * bn.Weight;
        var weight = Weight * scale.Reshape(-1, 1, 1, 1);
        var bias = ((Bias is null ? Tensor.ZerosLike(bn.RunningMean) : Bias.Detach()) - bn.RunningMean) * scale;
        if (bn.Bias is not null) bias = bias + bn.Bias;
        return new Conv2d(weight, bias, Stride, Padding, Dilation, Groups);
    }

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <summary>
    /// <see cref="InferOnOneDnn"/> runs the product in int8 (<see cref="Functional.InferenceConv2d"/> with int8; ungrouped
    /// convolutions only). <see cref="Forward"/> ignores it: it stays on libtorch, whose result keeps the input's layout.
    /// </summary>
    public bool Int8 { get; set; }

    /// <summary>Whether <see cref="InferOnOneDnn"/> can run <paramref name="input"/>: CPU inference of fp32 or bf16.</summary>
    public bool InfersOnOneDnn(Tensor input) => Functional.InfersOnOneDnn(input);

    /// <summary>This convolution (then GELU when <paramref name="gelu"/>, then + <paramref name="residual"/> when given) for
    /// inference on oneDNN (<see cref="Functional.InferenceConv2d"/>): the weight packed once, in int8 when <see cref="Int8"/>
    /// and there is no residual; the result is channels-last.</summary>
    public Tensor InferOnOneDnn(Tensor input, bool gelu = false, Tensor? residual = null) =>
        Functional.InferenceConv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups, gelu, Int8 && Groups == 1 && residual is null, residual);
}
