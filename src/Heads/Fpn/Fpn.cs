using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.Fpn;

/// <summary>mmdet FPN settings: input widths (finest first), output width, number of outputs (extra ones by max-pooling).</summary>
public sealed record FpnConfig(IReadOnlyList<int> InChannels, int OutChannels = 256, int NumOuts = 5);

/// <summary>
/// mmdet's ConvModule without norm or activation, as the FPN builds it: a biased conv under the name `conv`, so the
/// keys are `lateral_convs.{i}.conv.weight` / `.bias` as in reference checkpoints.
/// </summary>
public sealed class BareConvModule : Module<Tensor, Tensor>
{
    public Conv2d Conv { get; }

    public BareConvModule(int inChannels, int outChannels, int kernelSize) =>
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2));

    public override Tensor Forward(Tensor input) => Conv.Forward(input);
}

/// <summary>
/// mmdet's FPN (add_extra_convs off, as the Oriented R-CNN config): 1x1 laterals, top-down sum with nearest
/// upsampling to the finer level's size, 3x3 output convs, then extra levels as max_pool2d(last, 1, stride 2)
/// (P6 for five outputs). Weights start xavier-uniform with zero bias (the reference's init_weights).
/// </summary>
public sealed class Fpn : Module
{
    public FpnConfig Config { get; }
    public ModuleList<BareConvModule> LateralConvs { get; }
    public ModuleList<BareConvModule> FpnConvs { get; }

    public Fpn(FpnConfig config)
    {
        Config = config;
        LateralConvs = RegisterModule("lateral_convs",
            new ModuleList<BareConvModule>(config.InChannels.Select(c => new BareConvModule(c, config.OutChannels, 1))));
        FpnConvs = RegisterModule("fpn_convs",
            new ModuleList<BareConvModule>(config.InChannels.Select(_ => new BareConvModule(config.OutChannels, config.OutChannels, 3))));
        using var noGrad = TorchRuntime.NoGrad();
        foreach (var conv in LateralConvs.Concat(FpnConvs))
        {
            Init.XavierUniform_(conv.Conv.Weight);
            Init.Zeros_(conv.Conv.Bias!);
        }
    }

    /// <summary>Backbone features (finest first) -> <see cref="FpnConfig.NumOuts"/> maps of OutChannels, finest first.</summary>
    public IReadOnlyList<Tensor> Forward(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != Config.InChannels.Count)
            throw new ArgumentException($"FPN expects {Config.InChannels.Count} feature maps, got {inputs.Count}");
        using var scope = TorchRuntime.NewScope();
        var laterals = new List<Tensor>();
        for (int i = 0; i < inputs.Count; i++) laterals.Add(LateralConvs[i].Forward(inputs[i]));
        for (int i = laterals.Count - 1; i > 0; i--)
        {
            var s = laterals[i - 1].Shape;
            laterals[i - 1] = laterals[i - 1].Add(Functional.Interpolate(laterals[i], (s[^2], s[^1]), mode: InterpolationMode.Nearest));
        }
        var outs = new List<Tensor>();
        for (int i = 0; i < laterals.Count; i++) outs.Add(FpnConvs[i].Forward(laterals[i]));
        while (outs.Count < Config.NumOuts) outs.Add(Functional.MaxPool2d(outs[^1], 1, stride: 2));
        foreach (var o in outs) o.MoveToOuter();
        return outs;
    }
}
