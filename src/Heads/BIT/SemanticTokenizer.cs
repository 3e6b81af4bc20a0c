using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.BIT;

/// <summary>
/// BIT's semantic tokenizer: a 1x1 conv (`conv_a`, no bias) gives TokenLen spatial attention maps, each softmaxed over
/// all pixels; a token is the attention-weighted sum of the feature's pixels.
/// </summary>
public static class SemanticTokenizer
{
    /// <param name="convA">the `conv_a` layer, Channels -> TokenLen</param>
    /// <param name="features">[B, C, h, w]</param>
    /// <returns>tokens [B, TokenLen, C]</returns>
    public static Tensor Tokens(Conv2d convA, Tensor features)
    {
        using var scope = TorchRuntime.NewScope();
        var s = features.Shape;
        var attention = convA.Forward(features).Flatten(2).Softmax(-1);   // [B, L, h·w]
        var pixels = features.Flatten(2).Transpose(1, 2);                 // [B, h·w, C]
        return attention.MatMul(pixels).MoveToOuter();
    }
}
