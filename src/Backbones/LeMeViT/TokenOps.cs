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
    /// On oneDNN the matmul accumulates straight into the residual. <paramref name="geluInput"/>: the layer reads
    /// GELU(tokens), only where <see cref="Int8Mlp"/> said so.</summary>
    public static Tensor LinearAdd_(Linear layer, Tensor tokens, Tensor residual, bool geluInput = false)
    {
        if (layer.InfersOnOneDnn(tokens)) return F.InferenceLinearAdd_(residual, tokens, layer.Weight, layer.Bias, layer.Int8, geluInput);
        if (geluInput) throw new InvalidOperationException("GELU of the input runs in the int8 oneDNN path only (TokenOps.Int8Mlp)");
        return residual.Add_(LinearOnLibtorch(layer, tokens));
    }

    /// <summary>
    /// True when the MLP fc2(GELU(fc1(x))) may run its GELU inside fc2's int8 quantization (fc1 then returns its
    /// pre-activation): both layers int8 on oneDNN. oneDNN's GELU in fc1's epilogue cost 8-18 ms of a LeMeViT-small
    /// int8 pass at batch 16; moved, the pass is ~5 ms faster (tanh form, within 3e-4 of erf's; docs/benchmarks.md).
    /// </summary>
    public static bool Int8Mlp(Linear fc1, Linear fc2, Tensor x) => fc1.Int8 && fc2.Int8 && fc1.InfersOnOneDnn(x);

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
