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

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}
