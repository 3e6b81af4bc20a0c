using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.BIT;

/// <summary>Shared math of BIT's attentions: heads split from [B, N, heads·dimHead], softmax(q kᵀ · scale) v, heads merged.</summary>
static class MultiHead
{
    public static Tensor Split(Tensor x, int heads)
    {
        var s = x.Shape;
        using var view = x.View(s[0], s[1], heads, s[2] / heads);
        return view.Permute(0, 2, 1, 3);
    }

    /// <param name="scale">BIT scales by the model width to the -0.5 (dim = 32), not by the head width (64)</param>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, double scale)
    {
        using var scope = TorchRuntime.NewScope();
        var dots = q.MatMul(k.Transpose(-2, -1)).Mul_(scale);
        var attention = dots.Softmax(-1);
        var heads = attention.MatMul(v);                      // [B, h, N, d]
        var s = heads.Shape;
        return heads.Permute(0, 2, 1, 3).Reshape(s[0], s[2], s[1] * s[3]).MoveToOuter();
    }
}

/// <summary>The encoder's self-attention over both dates' tokens. Keys: `to_qkv.weight` (no bias), `to_out.0.{weight,bias}`.</summary>
public sealed class BitSelfAttention : Module<Tensor, Tensor>
{
    readonly int heads;
    readonly double scale;
    public Linear ToQkv { get; }
    public Sequential ToOut { get; }

    public BitSelfAttention(int dim, int heads, int dimHead, double dropout = 0)
    {
        (this.heads, scale) = (heads, Math.Pow(dim, -0.5));
        ToQkv = RegisterModule("to_qkv", new Linear(dim, heads * dimHead * 3, bias: false));
        ToOut = RegisterModule("to_out", new Sequential(new Linear(heads * dimHead, dim), new Dropout(dropout)));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TorchRuntime.NewScope();
        var qkv = ToQkv.Forward(x).Chunk(3, -1);
        var merged = MultiHead.Attend(MultiHead.Split(qkv[0], heads), MultiHead.Split(qkv[1], heads), MultiHead.Split(qkv[2], heads), scale);
        return ToOut.Forward(merged).MoveToOuter();
    }
}

/// <summary>
/// The decoder's cross-attention: pixels (queries) attend to one date's tokens (keys and values).
/// Keys: `to_q.weight`, `to_k.weight`, `to_v.weight` (no biases), `to_out.0.{weight,bias}`.
/// </summary>
public sealed class BitCrossAttention : Module
{
    readonly int heads;
    readonly double scale;
    public Linear ToQ { get; }
    public Linear ToK { get; }
    public Linear ToV { get; }
    public Sequential ToOut { get; }

    public BitCrossAttention(int dim, int heads, int dimHead, double dropout = 0)
    {
        (this.heads, scale) = (heads, Math.Pow(dim, -0.5));
        int inner = heads * dimHead;
        ToQ = RegisterModule("to_q", new Linear(dim, inner, bias: false));
        ToK = RegisterModule("to_k", new Linear(dim, inner, bias: false));
        ToV = RegisterModule("to_v", new Linear(dim, inner, bias: false));
        ToOut = RegisterModule("to_out", new Sequential(new Linear(inner, dim), new Dropout(dropout)));
    }

    /// <param name="x">queries [B, N, dim]</param>
    /// <param name="memory">tokens [B, L, dim]</param>
    public Tensor Forward(Tensor x, Tensor memory)
    {
        using var scope = TorchRuntime.NewScope();
        var q = MultiHead.Split(ToQ.Forward(x), heads);
        var k = MultiHead.Split(ToK.Forward(memory), heads);
        var v = MultiHead.Split(ToV.Forward(memory), heads);
        return ToOut.Forward(MultiHead.Attend(q, k, v, scale)).MoveToOuter();
    }
}
