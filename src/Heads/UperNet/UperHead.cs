using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.UperNet;

/// <summary>UPerHead settings (mmseg names). The LeMeViT Potsdam config: channels 512, pool scales 1,2,3,6, dropout 0.1.</summary>
public sealed record UperHeadConfig(IReadOnlyList<int> InChannels, int NumClasses, int Channels = 512,
    IReadOnlyList<int>? PoolScales = null, double Dropout = 0.1, bool AlignCorners = false)
{
    public IReadOnlyList<int> EffectivePoolScales => PoolScales ?? [1, 2, 3, 6];
}

/// <summary>
/// MMSegmentation's UPerHead: a pyramid pooling module on the coarsest feature (its `bottleneck` output is the
/// top lateral), 1x1 lateral convs on the finer features, a top-down pathway (each level adds the upsampled
/// level above), 3x3 FPN convs, everything upsampled to the finest level, concatenated and fused by
/// `fpn_bottleneck`, then dropout + `conv_seg`. Keys: `psp_modules.i.1.conv.weight`, `bottleneck.bn.*`,
/// `lateral_convs.i.*`, `fpn_convs.i.*`, `fpn_bottleneck.*`, `conv_seg.*`.
/// </summary>
public sealed class UperHead : DecodeHead
{
    public UperHeadConfig Config { get; }
    public ModuleList<Sequential> PspModules { get; }
    public ConvModule Bottleneck { get; }
    public ModuleList<ConvModule> LateralConvs { get; }
    public ModuleList<ConvModule> FpnConvs { get; }
    public ConvModule FpnBottleneck { get; }

    public UperHead(UperHeadConfig config) : base(config.Channels, config.NumClasses, config.Dropout)
    {
        Config = config;
        int top = config.InChannels[^1], ch = config.Channels;
        var scales = config.EffectivePoolScales;
        PspModules = RegisterModule("psp_modules", new ModuleList<Sequential>(
            scales.Select(s => new Sequential(new AdaptiveAvgPool2d(s), new ConvModule(top, ch, 1)))));
        Bottleneck = RegisterModule("bottleneck", new ConvModule(top + scales.Count * ch, ch, 3));
        var finer = config.InChannels.Take(config.InChannels.Count - 1).ToList();
        LateralConvs = RegisterModule("lateral_convs", new ModuleList<ConvModule>(finer.Select(c => new ConvModule(c, ch, 1))));
        FpnConvs = RegisterModule("fpn_convs", new ModuleList<ConvModule>(finer.Select(_ => new ConvModule(ch, ch, 3))));
        FpnBottleneck = RegisterModule("fpn_bottleneck", new ConvModule(config.InChannels.Count * ch, ch, 3));
    }

    public override Tensor Forward(IReadOnlyList<Tensor> features)
    {
        if (features.Count != Config.InChannels.Count)
            throw new ArgumentException($"UperHead expects {Config.InChannels.Count} feature maps, got {features.Count}");
        using var scope = TorchRuntime.NewScope();
        return Classify(Fuse(features)).MoveToOuter();
    }

    /// <summary>The fpn_bottleneck output (before dropout and conv_seg).</summary>
    public Tensor Fuse(IReadOnlyList<Tensor> features)
    {
        using var scope = TorchRuntime.NewScope();
        bool ac = Config.AlignCorners;
        var laterals = new List<Tensor>();
        for (int i = 0; i < LateralConvs.Count; i++) laterals.Add(LateralConvs[i].Forward(features[i]));
        laterals.Add(PyramidPooling(features[^1]));

        for (int i = laterals.Count - 1; i > 0; i--)
            laterals[i - 1] = laterals[i - 1].Add(Resize.Bilinear(laterals[i], Resize.SpatialSize(laterals[i - 1]), ac));

        var outs = new List<Tensor>();
        for (int i = 0; i < FpnConvs.Count; i++) outs.Add(FpnConvs[i].Forward(laterals[i]));
        outs.Add(laterals[^1]);
        var size = Resize.SpatialSize(outs[0]);
        for (int i = 1; i < outs.Count; i++) outs[i] = Resize.Bilinear(outs[i], size, ac);
        return FpnBottleneck.Forward(Tensor.Cat(outs, 1)).MoveToOuter();
    }

    Tensor PyramidPooling(Tensor top)
    {
        using var scope = TorchRuntime.NewScope();
        var size = Resize.SpatialSize(top);
        var branches = new List<Tensor> { top };
        foreach (var branch in PspModules) branches.Add(Resize.Bilinear(branch.Forward(top), size, Config.AlignCorners));
        return Bottleneck.Forward(Tensor.Cat(branches, 1)).MoveToOuter();
    }
}
