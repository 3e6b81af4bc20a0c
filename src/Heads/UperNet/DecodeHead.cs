using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.UperNet;

/// <summary>
/// What every mmseg decode head shares (BaseDecodeHead): Dropout2d then a 1x1 `conv_seg` with bias.
/// `conv_seg` is registered first, so it leads the state dict as in mmseg.
/// </summary>
public abstract class DecodeHead : Module
{
    public Conv2d ConvSeg { get; }
    public Dropout2d Dropout { get; }
    public int NumClasses { get; }

    protected DecodeHead(int channels, int numClasses, double dropoutRatio)
    {
        NumClasses = numClasses;
        ConvSeg = RegisterModule("conv_seg", new Conv2d(channels, numClasses, 1));
        Dropout = RegisterModule("dropout", new Dropout2d(dropoutRatio));
        // mmseg initialises conv_seg with N(0, 0.01) and zero bias
        using (TorchRuntime.NoGrad())
        {
            ConvSeg.Weight.Normal_(0, 0.01);
            ConvSeg.Bias!.Zero_();
        }
    }

    /// <summary>Logits at the resolution of the head's finest input.</summary>
    public abstract Tensor Forward(IReadOnlyList<Tensor> features);

    protected Tensor Classify(Tensor features)
    {
        using var scope = TorchRuntime.NewScope();
        return ConvSeg.Forward(Dropout.Forward(features)).MoveToOuter();
    }
}
