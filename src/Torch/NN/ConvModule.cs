namespace GeoDense.Torch.NN;

/// <summary>
/// mmcv's ConvModule with BatchNorm and ReLU: `conv` (no bias, the norm follows) -> `bn` -> ReLU.
/// Field names are the state-dict names (`conv.weight`, `bn.running_mean`, ...).
/// </summary>
public sealed class ConvModule : Module<Tensor, Tensor>
{
    public Conv2d Conv { get; }
    public BatchNorm2d Bn { get; }

    public ConvModule(int inChannels, int outChannels, int kernelSize)
    {
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2, bias: false));
        Bn = RegisterModule("bn", new BatchNorm2d(outChannels));
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = TorchRuntime.NewScope();
        return Bn.Forward(Conv.Forward(input)).Relu_().MoveToOuter();
    }
}
