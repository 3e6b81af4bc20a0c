using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>
/// What every LeMeViT block has (keys pos_embed, norm1, attn, norm2, mlp.0, mlp.3): a depthwise conv
/// position encoding on the image map, pre-norm LayerNorms (eps 1e-6) and an MLP, all shared by image
/// tokens and meta tokens. Subclasses differ in who attends to whom.
/// Image maps are [B, C, H, W]; tokens are [B, N, C] with N = H·W in row-major order.
/// </summary>
public abstract class LeMeViTBlock : Module
{
    private readonly Conv2d _posEmbed;
    private readonly LayerNorm _norm1, _norm2;
    private readonly Linear _fc1, _fc2;
    private readonly DropPath _dropPath;

    protected LeMeViTBlock(int dim, Module attention, LeMeViTConfig config, double dropPath)
    {
        _posEmbed = RegisterModule("pos_embed", new Conv2d(dim, dim, config.CpeKernel, padding: 1, groups: dim));
        _norm1 = RegisterModule("norm1", new LayerNorm(dim, eps: 1e-6));
        RegisterModule("attn", attention);
        _norm2 = RegisterModule("norm2", new LayerNorm(dim, eps: 1e-6));
        var hidden = (int)(config.MlpRatio * dim);
        _fc1 = new Linear(dim, hidden);
        _fc2 = new Linear(hidden, dim);
        RegisterModule("mlp", new Sequential(_fc1, new Identity(), new GELU(), _fc2));
        _dropPath = RegisterModule("drop_path", new DropPath(dropPath));
    }

    /// <summary>
    /// Maps (image map, meta tokens) to their new values. With <paramref name="updateMeta"/> false a block
    /// may skip work whose only effect is on the meta tokens and return <paramref name="c"/> itself.
    /// Results are owned by the caller's dispose scope; inputs are never disposed.
    /// </summary>
    public abstract (Tensor X, Tensor C) Forward(Tensor x, Tensor c, bool updateMeta = true);

    protected Tensor Norm1(Tensor t) => _norm1.Forward(t);

    /// <summary>Inference (eval mode, no autograd graph): results this block created may be updated in place.</summary>
    protected bool InPlace => !Training && !TorchRuntime.IsGradEnabled;

    /// <summary>flatten(x + pos_embed(x)) as tokens [B, N, C] (a new tensor; x is not changed). CPU inference adds x in
    /// the convolution's epilogue (one pass, no separate add).</summary>
    protected Tensor PositionedTokens(Tensor x)
    {
        var s = x.Shape;
        Tensor positioned;
        if (InPlace && _posEmbed.InfersOnOneDnn(x)) positioned = _posEmbed.InferOnOneDnn(x, residual: x);
        else if (InPlace) positioned = _posEmbed.Forward(x).Add_(x);
        else positioned = x.Add(_posEmbed.Forward(x));
        return positioned.Permute(0, 2, 3, 1).Reshape(s[0], s[2] * s[3], s[1]);
    }

    /// <summary>Tokens [B, H·W, C] back to a map [B, C, H, W] (a view: channels-last strides).</summary>
    protected static Tensor ToMap(Tensor tokens, long[] mapShape) =>
        tokens.View(mapShape[0], mapShape[2], mapShape[3], mapShape[1]).Permute(0, 3, 1, 2);

    /// <summary>t + drop_path(branch). <paramref name="owned"/>: t was created by this block, so inference may add in place.</summary>
    protected Tensor Residual(Tensor t, Tensor branch, bool owned) =>
        owned && InPlace ? t.Add_(branch) : t.Add(_dropPath.Forward(branch));

    /// <summary>t + drop_path(mlp(norm2(t))) for a t this block created. In int8 the GELU runs in fc2's quantization
    /// rather than in fc1's epilogue (TokenOps.Int8Mlp).</summary>
    protected Tensor MlpResidual(Tensor t)
    {
        var normed = _norm2.Forward(t);
        if (InPlace && TokenOps.Int8Mlp(_fc1, _fc2, normed)) return TokenOps.LinearAdd_(_fc2, TokenOps.Linear(_fc1, normed), t, geluInput: true);
        var hidden = TokenOps.Linear(_fc1, normed, gelu: true);
        return InPlace ? TokenOps.LinearAdd_(_fc2, hidden, t) : Residual(t, TokenOps.Linear(_fc2, hidden), owned: true);
    }
}

/// <summary>Stage-0 block: meta tokens cross-attend to the image; the image map passes through unchanged
/// (the reference returns its input, without the position encoding).</summary>
public sealed class CrossAttentionBlock : LeMeViTBlock
{
    private readonly CrossAttention _attn;

    public CrossAttentionBlock(int dim, int heads, LeMeViTConfig config, double dropPath)
        : this(new CrossAttention(dim, heads, config.QkvBias), dim, config, dropPath) { }

    private CrossAttentionBlock(CrossAttention attn, int dim, LeMeViTConfig config, double dropPath)
        : base(dim, attn, config, dropPath) => _attn = attn;

    public override (Tensor X, Tensor C) Forward(Tensor x, Tensor c, bool updateMeta = true)
    {
        using var scope = TorchRuntime.NewScope();
        var update = _attn.Forward(Norm1(PositionedTokens(x)), Norm1(c));
        var meta = MlpResidual(Residual(c, update, owned: false));
        return (x, meta.MoveToOuter());
    }
}

/// <summary>Dual cross-attention block: image and meta tokens attend to each other, then both pass the MLP.</summary>
public sealed class DualCrossAttentionBlock : LeMeViTBlock
{
    private readonly DualCrossAttention _attn;

    public DualCrossAttentionBlock(int dim, int heads, LeMeViTConfig config, double dropPath)
        : this(new DualCrossAttention(dim, heads, config.QkvBias), dim, config, dropPath) { }

    private DualCrossAttentionBlock(DualCrossAttention attn, int dim, LeMeViTConfig config, double dropPath)
        : base(dim, attn, config, dropPath) => _attn = attn;

    public override (Tensor X, Tensor C) Forward(Tensor x, Tensor c, bool updateMeta = true)
    {
        using var scope = TorchRuntime.NewScope();
        var t = PositionedTokens(x);
        var (ax, ac) = _attn.Forward(Norm1(t), Norm1(c));
        var image = MlpResidual(Residual(t, ax, owned: true));
        var meta = MlpResidual(Residual(c, ac, owned: false));
        return (ToMap(image, x.Shape).MoveToOuter(), meta.MoveToOuter());
    }
}

/// <summary>Standard block: self-attention over image tokens, and separately (same weights) over meta tokens.</summary>
public sealed class StandardAttentionBlock : LeMeViTBlock
{
    private readonly StandardAttention _attn;

    public StandardAttentionBlock(int dim, int heads, LeMeViTConfig config, double dropPath)
        : this(new StandardAttention(dim, heads, config.QkvBias), dim, config, dropPath) { }

    private StandardAttentionBlock(StandardAttention attn, int dim, LeMeViTConfig config, double dropPath)
        : base(dim, attn, config, dropPath) => _attn = attn;

    public override (Tensor X, Tensor C) Forward(Tensor x, Tensor c, bool updateMeta = true)
    {
        using var scope = TorchRuntime.NewScope();
        var t = PositionedTokens(x);
        var image = MlpResidual(Residual(t, _attn.Forward(Norm1(t)), owned: true));
        var mapOut = ToMap(image, x.Shape).MoveToOuter();
        if (!updateMeta) return (mapOut, c);
        var meta = MlpResidual(Residual(c, _attn.Forward(Norm1(c)), owned: false));
        return (mapOut, meta.MoveToOuter());
    }
}
