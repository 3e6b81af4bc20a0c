using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>Layers applied to tokens [B, n, C], arranged for speed on the CPU (same math as the plain layers).</summary>
internal static class TokenOps
{
    /// <summary>
    /// A Linear over tokens [B, n, C], then GELU when <paramref name="gelu"/>. For CPU inference it is one oneDNN
    /// matmul with bias and GELU in its epilogue (F.InferenceLinear): libtorch 1.13's own fp32 paths are 1.1-14x
    /// slower on these shapes (docs/benchmarks.md). With autograd on the CPU it runs as a 1x1 convolution of the
    /// channels-last view [B, C, n, 1], which libtorch hands to oneDNN (faster than the BLAS GEMM behind F.linear,
    /// and it does not fight OpenMP for the cores). On CUDA the plain linear is best. An int8 layer runs the same
    /// oneDNN matmul in int8.
    /// </summary>
    public static Tensor Linear(Linear layer, Tensor tokens, bool gelu = false)
    {
        if (layer.InfersOnOneDnn(tokens)) return F.InferenceLinear(tokens, layer.Weight, layer.Bias, gelu, layer.Int8);
        var y = LinearOnLibtorch(layer, tokens);
        if (!gelu) return y;
        return TorchRuntime.IsGradEnabled ? y.Gelu() : y.Gelu_();
    }

    /// <summary>residual += Linear(tokens), in place (inference: the caller owns <paramref name="residual"/>).
    /// On oneDNN the matmul accumulates straight into the residual.</summary>
    public static Tensor LinearAdd_(Linear layer, Tensor tokens, Tensor residual) =>
        layer.InfersOnOneDnn(tokens)
            ? F.InferenceLinearAdd_(residual, tokens, layer.Weight, layer.Bias, layer.Int8)
            : residual.Add_(LinearOnLibtorch(layer, tokens));

    /// <summary>The layer through libtorch's ops (autograd, CUDA, builds without oneDNN).</summary>
    private static Tensor LinearOnLibtorch(Linear layer, Tensor tokens)
    {
        if (tokens.Device.IsCuda || tokens.Dim != 3) return layer.Forward(tokens);
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
