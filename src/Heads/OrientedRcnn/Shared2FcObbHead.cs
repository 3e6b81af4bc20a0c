using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// OBBShared2FCBBoxHead: RoI features flattened (C·7·7) -> `shared_fcs.0` -> ReLU -> `shared_fcs.1` -> ReLU, then
/// `fc_cls` (classes + 1, background LAST) and `fc_reg` (5 class-agnostic obb deltas). Init as mmdet: xavier-uniform
/// shared FCs, normal(0.01) fc_cls, normal(0.001) fc_reg, zero biases.
/// </summary>
public sealed class Shared2FcObbHead : Module
{
    public ModuleList<Linear> SharedFcs { get; }
    public Linear FcCls { get; }
    public Linear FcReg { get; }
    public int NumClasses { get; }

    public Shared2FcObbHead(int inChannels, int roiSize, int fcChannels, int numClasses)
    {
        NumClasses = numClasses;
        SharedFcs = RegisterModule("shared_fcs", new ModuleList<Linear>(
            new Linear(inChannels * roiSize * roiSize, fcChannels), new Linear(fcChannels, fcChannels)));
        FcCls = RegisterModule("fc_cls", new Linear(fcChannels, numClasses + 1));
        FcReg = RegisterModule("fc_reg", new Linear(fcChannels, 5));
        using var noGrad = TorchRuntime.NoGrad();
        foreach (var fc in SharedFcs) { Init.XavierUniform_(fc.Weight); Init.Zeros_(fc.Bias!); }
        Init.Normal_(FcCls.Weight, 0, 0.01);
        Init.Zeros_(FcCls.Bias!);
        Init.Normal_(FcReg.Weight, 0, 0.001);
        Init.Zeros_(FcReg.Bias!);
    }

    /// <summary>RoI features [K, C, s, s] -> (class logits [K, classes + 1], deltas [K, 5]).</summary>
    public (Tensor Logits, Tensor Deltas) Forward(Tensor roiFeatures)
    {
        using var scope = TorchRuntime.NewScope();
        var x = roiFeatures.Flatten(1);
        foreach (var fc in SharedFcs) x = fc.Forward(x).Relu_();
        return (FcCls.Forward(x).MoveToOuter(), FcReg.Forward(x).MoveToOuter());
    }
}
