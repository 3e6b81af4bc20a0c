using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>Head splitting shared by the three LeMeViT attentions (packed layout [which][head][head_dim]).</summary>
internal static class AttentionHeads
{
    /// <summary>[B, n, parts·C] → [parts, B, heads, n, C/heads], a view (no copy).</summary>
    public static Tensor Split(Tensor packed, int parts, int heads)
    {
        var shape = packed.Shape;
        var headDim = shape[2] / parts / heads;
        return packed.View(shape[0], shape[1], parts, heads, headDim).Permute(2, 0, 3, 1, 4);
    }

    /// <summary>[B, heads, n, d] → [B, n, heads·d].</summary>
    public static Tensor Merge(Tensor perHead)
    {
        var s = perHead.Shape;
        return perHead.Transpose(1, 2).Reshape(s[0], s[2], s[1] * s[3]);
    }

    /// <summary>softmax(scale · q kᵀ) v for every head.</summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, double scale) =>
        F.ScaledDotProductAttention(q, k, v, scale: scale);
}

/// <summary>
/// Cross-attention of the first stage: the meta tokens query the image tokens (keys q, kv, proj).
/// Scale head_dim^-0.5. Returns the new meta-token update only; image tokens are not changed.
/// </summary>
public sealed class CrossAttention : Module
{
    private readonly int _heads;
    private readonly Linear _q, _kv, _proj;

    public CrossAttention(int dim, int heads, bool qkvBias = true)
    {
        _heads = heads;
        _q = RegisterModule("q", new Linear(dim, dim, qkvBias));
        _kv = RegisterModule("kv", new Linear(dim, 2 * dim, qkvBias));
        _proj = RegisterModule("proj", new Linear(dim, dim));
    }

    public Tensor Forward(Tensor imageTokens, Tensor metaTokens)
    {
        using var scope = TorchRuntime.NewScope();
        var q = AttentionHeads.Split(TokenOps.Linear(_q, metaTokens), 1, _heads).Select(0, 0);
        var kv = AttentionHeads.Split(TokenOps.Linear(_kv, imageTokens), 2, _heads);
        var o = AttentionHeads.Attend(q, kv.Select(0, 0), kv.Select(0, 1), Math.Pow(q.Shape[3], -0.5));
        return TokenOps.Linear(_proj, AttentionHeads.Merge(o)).MoveToOuter();
    }
}

/// <summary>
/// Dual cross-attention: image tokens read the meta tokens and meta tokens read the image tokens, from the
/// same normalised inputs (keys qkv1 for image tokens, qkv2 for meta tokens, proj_x, proj_c).
/// Scales (reference quirk): ln(M)/ln(N)·dim^-0.5 for the image branch and dim^-0.5 for the meta branch,
/// where dim is the full channel width, N the image tokens and M the meta tokens.
/// </summary>
public sealed class DualCrossAttention : Module
{
    private readonly int _dim, _heads;
    private readonly Linear _qkv1, _qkv2, _projX, _projC;

    public DualCrossAttention(int dim, int heads, bool qkvBias = true)
    {
        (_dim, _heads) = (dim, heads);
        _qkv1 = RegisterModule("qkv1", new Linear(dim, 3 * dim, qkvBias));
        _qkv2 = RegisterModule("qkv2", new Linear(dim, 3 * dim, qkvBias));
        _projX = RegisterModule("proj_x", new Linear(dim, dim));
        _projC = RegisterModule("proj_c", new Linear(dim, dim));
    }

    public static (double ImageScale, double MetaScale) Scales(long imageTokens, long metaTokens, int dim)
    {
        if (imageTokens < 2)
            throw new InputTooSmallException(
                "dual cross-attention needs at least 2 image tokens (its scale divides by ln N); the input is too small: use at least 9 pixels on one side");
        var baseScale = Math.Pow(dim, -0.5);
        return (Math.Log(metaTokens) / Math.Log(imageTokens) * baseScale, baseScale);
    }

    public (Tensor Image, Tensor Meta) Forward(Tensor imageTokens, Tensor metaTokens)
    {
        using var scope = TorchRuntime.NewScope();
        var (scaleX, scaleC) = Scales(imageTokens.Shape[1], metaTokens.Shape[1], _dim);
        var a = AttentionHeads.Split(TokenOps.Linear(_qkv1, imageTokens), 3, _heads);
        var m = AttentionHeads.Split(TokenOps.Linear(_qkv2, metaTokens), 3, _heads);
        var x = TokenOps.Linear(_projX, AttentionHeads.Merge(AttentionHeads.Attend(a.Select(0, 0), m.Select(0, 1), m.Select(0, 2), scaleX)));
        var c = TokenOps.Linear(_projC, AttentionHeads.Merge(AttentionHeads.Attend(m.Select(0, 0), a.Select(0, 1), a.Select(0, 2), scaleC)));
        return (x.MoveToOuter(), c.MoveToOuter());
    }
}

/// <summary>Multi-head self-attention (keys qkv, proj), scale head_dim^-0.5.</summary>
public sealed class StandardAttention : Module<Tensor, Tensor>
{
    private readonly int _heads;
    private readonly Linear _qkv, _proj;

    public StandardAttention(int dim, int heads, bool qkvBias = true)
    {
        _heads = heads;
        _qkv = RegisterModule("qkv", new Linear(dim, 3 * dim, qkvBias));
        _proj = RegisterModule("proj", new Linear(dim, dim));
    }

    public override Tensor Forward(Tensor tokens)
    {
        using var scope = TorchRuntime.NewScope();
        var qkv = AttentionHeads.Split(TokenOps.Linear(_qkv, tokens), 3, _heads);
        var q = qkv.Select(0, 0);
        var o = AttentionHeads.Attend(q, qkv.Select(0, 1), qkv.Select(0, 2), Math.Pow(q.Shape[3], -0.5));
        return TokenOps.Linear(_proj, AttentionHeads.Merge(o)).MoveToOuter();
    }
}
