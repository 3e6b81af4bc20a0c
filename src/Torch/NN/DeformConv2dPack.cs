namespace GeoDense.Torch.NN;

/// <summary>
/// A deformable convolution that predicts its own offsets (mmcv's / DCN's <c>DeformConv2dPack</c>): an ordinary
/// convolution <c>conv_offset</c> with the same kernel, stride and padding gives 2·deformGroups·kh·kw offset maps,
/// then <see cref="Functional.DeformConv2d"/> samples the input there. Keys: weight, bias, conv_offset.weight,
/// conv_offset.bias. The offset conv starts at zero, so a fresh layer is an ordinary convolution.
/// </summary>
public sealed class DeformConv2dPack : Module<Tensor, Tensor>
{
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public Conv2d ConvOffset { get; }
    public (long H, long W) Stride { get; }
    public (long H, long W) Padding { get; }
    public long Groups { get; }
    public long DeformGroups { get; }

    public DeformConv2dPack(long inChannels, long outChannels, long kernelSize, long stride, long padding, long groups = 1, long deformGroups = 1)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})");
        if (inChannels % deformGroups != 0)
            throw new ArgumentException($"input channels ({inChannels}) must be divisible by deformable groups ({deformGroups})");
        (Stride, Padding, Groups, DeformGroups) = ((stride, stride), (padding, padding), groups, deformGroups);
        using var scope = TorchRuntime.NewScope();
        // DeformConv2d.reset_parameters: kaiming-uniform(a=√5) weight, bias uniform(±1/√fan_in)
        var weight = Init.KaimingUniform_(Tensor.Empty(outChannels, inChannels / groups, kernelSize, kernelSize), Math.Sqrt(5));
        Weight = RegisterParameter("weight", weight);
        var bound = 1 / Math.Sqrt(Init.Fans(weight).FanIn);
        Bias = RegisterParameter("bias", Init.Uniform_(Tensor.Empty(outChannels), -bound, bound));
        ConvOffset = RegisterModule("conv_offset", new Conv2d(inChannels, deformGroups * 2 * kernelSize * kernelSize, kernelSize, stride, padding));
        using var noGrad = TorchRuntime.NoGrad();
        Init.Zeros_(ConvOffset.Weight);
        Init.Zeros_(ConvOffset.Bias!);
    }

    public override Tensor Forward(Tensor input)
    {
        using var offset = ConvOffset.Forward(input);
        return Functional.DeformConv2d(input, offset, Weight, Bias, Stride, Padding, groups: Groups, deformGroups: DeformGroups);
    }
}
