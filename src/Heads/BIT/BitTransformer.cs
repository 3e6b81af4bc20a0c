using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.BIT;

/// <summary>Linear → GELU → dropout → linear → dropout. Keys: `net.0.*`, `net.3.*`.</summary>
public sealed class BitFeedForward : Module<Tensor, Tensor>
{
    public Sequential Net { get; }

    public BitFeedForward(int dim, int hiddenDim, double dropout = 0) =>
        Net = RegisterModule("net", new Sequential(new Linear(dim, hiddenDim), new GELU(), new Dropout(dropout), new Linear(hiddenDim, dim), new Dropout(dropout)));

    public override Tensor Forward(Tensor input) => Net.Forward(input);
}

/// <summary>
/// The reference's `Residual(PreNorm(fn))` nesting, kept so the keys are `fn.norm.*` and `fn.fn.*`: the residual
/// wrapper owns `fn`, which owns the LayerNorm (`norm`, eps 1e-5) and the wrapped layer (`fn`).
/// </summary>
public sealed class PreNormResidual<T> : Module where T : Module
{
    public PreNorm<T> Fn { get; }
    public PreNormResidual(int dim, T fn) => Fn = RegisterModule("fn", new PreNorm<T>(dim, fn));
    public LayerNorm Norm => Fn.Norm;
    public T Layer => Fn.Fn;
}

/// <summary>A LayerNorm (`norm`) in front of a layer (`fn`).</summary>
public sealed class PreNorm<T> : Module where T : Module
{
    public LayerNorm Norm { get; }
    public T Fn { get; }

    public PreNorm(int dim, T fn)
    {
        Norm = RegisterModule("norm", new LayerNorm(dim));
        Fn = RegisterModule("fn", fn);
    }
}

/// <summary>One encoder layer: `0` = self-attention, `1` = feed-forward, each pre-norm with a residual.</summary>
public sealed class BitEncoderLayer : Module<Tensor, Tensor>
{
    public PreNormResidual<BitSelfAttention> Attention { get; }
    public PreNormResidual<BitFeedForward> FeedForward { get; }

    public BitEncoderLayer(BitConfig c)
    {
        Attention = RegisterModule("0", new PreNormResidual<BitSelfAttention>(c.Channels, new BitSelfAttention(c.Channels, c.Heads, c.DimHead)));
        FeedForward = RegisterModule("1", new PreNormResidual<BitFeedForward>(c.Channels, new BitFeedForward(c.Channels, c.MlpDim)));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TorchRuntime.NewScope();
        var h = x.Add(Attention.Layer.Forward(Attention.Norm.Forward(x)));
        return h.Add(FeedForward.Layer.Forward(FeedForward.Norm.Forward(h))).MoveToOuter();
    }
}

/// <summary>
/// One decoder layer: `0` = cross-attention of pixels to tokens, with ONE LayerNorm applied to both (the reference's
/// PreNorm2), `1` = feed-forward; each with a residual on the pixels.
/// </summary>
public sealed class BitDecoderLayer : Module
{
    public PreNormResidual<BitCrossAttention> Attention { get; }
    public PreNormResidual<BitFeedForward> FeedForward { get; }

    public BitDecoderLayer(BitConfig c)
    {
        Attention = RegisterModule("0", new PreNormResidual<BitCrossAttention>(c.Channels, new BitCrossAttention(c.Channels, c.Heads, c.DimHead)));
        FeedForward = RegisterModule("1", new PreNormResidual<BitFeedForward>(c.Channels, new BitFeedForward(c.Channels, c.MlpDim)));
    }

    public Tensor Forward(Tensor x, Tensor tokens)
    {
        using var scope = TorchRuntime.NewScope();
        var norm = Attention.Norm;
        var h = x.Add(Attention.Layer.Forward(norm.Forward(x), norm.Forward(tokens)));
        return h.Add(FeedForward.Layer.Forward(FeedForward.Norm.Forward(h))).MoveToOuter();
    }
}

/// <summary>The token encoder (the reference's `transformer`): keys `layers.i.{0,1}.fn.*`.</summary>
public sealed class BitEncoder : Module<Tensor, Tensor>
{
    public ModuleList<BitEncoderLayer> Layers { get; }

    public BitEncoder(BitConfig c) =>
        Layers = RegisterModule("layers", new ModuleList<BitEncoderLayer>(Enumerable.Range(0, c.EncDepth).Select(_ => new BitEncoderLayer(c))));

    /// <param name="tokens">[B, 2·TokenLen, Channels]</param>
    public override Tensor Forward(Tensor tokens)
    {
        using var scope = TorchRuntime.NewScope();
        var x = tokens;
        foreach (var layer in Layers) x = layer.Forward(x);
        return x.MoveToOuter();
    }
}

/// <summary>The pixel decoder (the reference's `transformer_decoder`): keys `layers.i.{0,1}.fn.*`.</summary>
public sealed class BitDecoder : Module
{
    public ModuleList<BitDecoderLayer> Layers { get; }

    public BitDecoder(BitConfig c) =>
        Layers = RegisterModule("layers", new ModuleList<BitDecoderLayer>(Enumerable.Range(0, c.DecDepth).Select(_ => new BitDecoderLayer(c))));

    /// <param name="features">one date's projected feature [B, C, h, w]</param>
    /// <param name="tokens">that date's encoded tokens [B, L, C]</param>
    /// <returns>refined features [B, C, h, w]</returns>
    public Tensor Forward(Tensor features, Tensor tokens)
    {
        using var scope = TorchRuntime.NewScope();
        var s = features.Shape;
        var x = features.Flatten(2).Transpose(1, 2);          // [B, h·w, C]: every pixel is a query
        foreach (var layer in Layers) x = layer.Forward(x, tokens);
        return x.Transpose(1, 2).Reshape(s[0], s[1], s[2], s[3]).MoveToOuter();
    }
}
