using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.UperNet;

/// <summary>FCNHead settings. The LeMeViT auxiliary head: stride-16 input (index 2), 256 channels, one conv, no concat.</summary>
public sealed record FcnHeadConfig(int InChannels, int NumClasses, int Channels = 256, int InIndex = 2,
    int NumConvs = 1, int KernelSize = 3, bool ConcatInput = false, double Dropout = 0.1);

/// <summary>
/// MMSegmentation's FCNHead: `convs` (a Sequential of ConvModules), optionally `conv_cat` over [input, convs],
/// then dropout + `conv_seg`. Reads one feature map (<see cref="FcnHeadConfig.InIndex"/>) of the list it is given.
/// </summary>
public sealed class FcnHead : DecodeHead
{
    public FcnHeadConfig Config { get; }
    public Sequential Convs { get; }
    public ConvModule? ConvCat { get; }

    public FcnHead(FcnHeadConfig config) : base(config.Channels, config.NumClasses, config.Dropout)
    {
        if (config.NumConvs < 1) throw new ArgumentException("FCNHead needs at least one conv");
        Config = config;
        Convs = RegisterModule("convs", new Sequential(Enumerable.Range(0, config.NumConvs)
            .Select(i => (Module<Tensor, Tensor>)new ConvModule(i == 0 ? config.InChannels : config.Channels, config.Channels, config.KernelSize))
            .ToArray()));
        if (config.ConcatInput)
            ConvCat = RegisterModule("conv_cat", new ConvModule(config.InChannels + config.Channels, config.Channels, config.KernelSize));
    }

    public override Tensor Forward(IReadOnlyList<Tensor> features)
    {
        if (Config.InIndex >= features.Count)
            throw new ArgumentException($"FCNHead reads feature {Config.InIndex} but got {features.Count} feature maps");
        using var scope = TorchRuntime.NewScope();
        var x = features[Config.InIndex];
        var y = Convs.Forward(x);
        if (ConvCat is not null) y = ConvCat.Forward(Tensor.Cat([x, y], 1));
        return Classify(y).MoveToOuter();
    }
}
