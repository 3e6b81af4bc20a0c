namespace GeoDense.Torch.NN;

/// <summary>2-D transposed convolution. Keys: weight [in, out/groups, kh, kw], bias [out].</summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public (long H, long W) Stride { get; }
    public (long H, long W) Padding { get; }
    public (long H, long W) OutputPadding { get; }
    public (long H, long W) Dilation { get; }
    public long Groups { get; }

    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
        long groups = 1, bool bias = true, long dilation = 1)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})");
        (Stride, Padding, OutputPadding, Dilation, Groups) = ((stride, stride), (padding, padding), (outputPadding, outputPadding), (dilation, dilation), groups);
        using var scope = TorchRuntime.NewScope();
        var weight = Init.KaimingUniform_(Tensor.Empty(inChannels, outChannels / groups, kernelSize, kernelSize), Math.Sqrt(5));
        Weight = RegisterParameter("weight", weight);
        if (bias)
        {
            // PyTorch computes the fan from the weight as stored, i.e. dim 1 (out/groups) * k * k.
            var bound = 1 / Math.Sqrt(Init.Fans(weight).FanIn);
            Bias = RegisterParameter("bias", Init.Uniform_(Tensor.Empty(outChannels), -bound, bound));
        }
    }

    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}
