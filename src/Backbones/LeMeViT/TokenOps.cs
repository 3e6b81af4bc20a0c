using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>Layers applied to tokens [B, n, C], arranged for speed on the CPU (same math as the plain layers).</summary>
internal static class TokenOps
{
    /// <summary>
    /// A Linear over tokens. On the CPU it runs as a 1x1 convolution of the channels-last view
    /// [B, C, n, 1]: libtorch hands that to oneDNN, which on our machines is 2-3x faster than the BLAS GEMM
    /// behind F.linear and does not fight OpenMP for the cores. On CUDA the plain linear is best, and an int8 layer
    /// runs its own packed GEMM.
    /// </summary>
    public static Tensor Linear(Linear layer, Tensor tokens)
    {
        if (tokens.Device.IsCuda || tokens.Dim != 3 || layer.IsInt8) return layer.Forward(tokens);
        var s = tokens.Shape;
        var outFeatures = layer.Weight.Shape[0];
        var map = tokens.Unsqueeze(2).Permute(0, 3, 1, 2);
        var kernel = layer.Weight.View(outFeatures, s[2], 1, 1);
        var y = F.Conv2d(map, kernel, layer.Bias);
        return y.Permute(0, 2, 3, 1).Reshape(s[0], s[1], outFeatures);
    }

    /// <summary>An image batch [B, C, H, W] with channels-last strides (the layout the blocks keep throughout).</summary>
    public static Tensor ChannelsLast(Tensor map) => map.Permute(0, 2, 3, 1).Contiguous().Permute(0, 3, 1, 2);
}
