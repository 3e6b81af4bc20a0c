using GeoDense.Torch.NN;

namespace GeoDense.Heads.BIT;

/// <summary>BIT's classifier: 3x3 conv (no bias), BatchNorm, ReLU, 3x3 conv to the classes. Keys `0.weight`, `1.*`, `3.*`.</summary>
public static class TwoLayerConv2d
{
    public static Sequential Create(int inChannels, int outChannels, int kernelSize = 3) => new(
        new Conv2d(inChannels, inChannels, kernelSize, padding: kernelSize / 2, bias: false),
        new BatchNorm2d(inChannels),
        new ReLU(),
        new Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2));
}
