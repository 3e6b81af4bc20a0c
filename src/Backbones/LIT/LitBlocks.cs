using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>The reference's Mlp (keys fc1, fc2): Linear, GELU, Linear.</summary>
public sealed class LitMlp : Module<Tensor, Tensor>
{
    private readonly Linear _fc1, _fc2;

    public LitMlp(int dim, int hidden)
    {
        _fc1 = RegisterModule("fc1", new Linear(dim, hidden));
        _fc2 = RegisterModule("fc2", new Linear(hidden, dim));
    }

    public override Tensor Forward(Tensor tokens)
    {
        using var scope = TorchRuntime.NewScope();
        return TokenOps.Linear(_fc2, TokenOps.Linear(_fc1, tokens, gelu: true)).MoveToOuter();
    }
}

/// <summary>
/// A LIT block on tokens [B, N, C]. Stages 1-2 use MLP-only blocks (keys norm2, mlp: x + mlp(norm2(x))), the paper's
/// "pay less attention" in early stages; stages 3-4 add pre-norm self-attention (norm1, attn).
/// </summary>
public sealed class LitBlock : Module
{
    private readonly LayerNorm? _norm1;
    private readonly LitSelfAttention? _attn;
    private readonly LayerNorm _norm2;
    private readonly LitMlp _mlp;
    private readonly DropPath _dropPath;

    /// <param name="attention">null for an MLP-only block.</param>
    public LitBlock(int dim, double mlpRatio, double eps, LitSelfAttention? attention, double dropPath)
    {
        if (attention is not null)
        {
            _norm1 = RegisterModule("norm1", new LayerNorm(dim, eps));
            _attn = RegisterModule("attn", attention);
        }
        _dropPath = RegisterModule("drop_path", new DropPath(dropPath));
        _norm2 = RegisterModule("norm2", new LayerNorm(dim, eps));
        _mlp = RegisterModule("mlp", new LitMlp(dim, (int)(dim * mlpRatio)));
    }

    public bool HasAttention => _attn is not null;

    /// <summary>Tokens [B, H·W, C] of an H×W map; the result belongs to the caller's scope.</summary>
    public Tensor Forward(Tensor x, long height, long width)
    {
        using var scope = TorchRuntime.NewScope();
        if (_attn is not null) x = x.Add(_dropPath.Forward(_attn.Forward(_norm1!.Forward(x), height, width)));
        return x.Add(_dropPath.Forward(_mlp.Forward(_norm2.Forward(x)))).MoveToOuter();
    }
}

/// <summary>
/// Multi-head self-attention (keys qkv, proj; scale head_dim^-0.5). LIT-Ti has no positional term here; LIT-S/M/B
/// add Swin's learned relative position bias: a table [(2S-1)², heads] for an S×S grid (key
/// relative_position_bias_table). For an H×W map the table is resized bicubically (align_corners false) to
/// (2H-1)×(2W-1), as the reference detection backbone does for any input size (at the table's own size this is
/// the identity, i.e. what the classifier does), then gathered by relative offset (dy·(2W-1) + dx). The classifier
/// also carries the reference's relative_position_index buffer, for its keys; the index is computed per input size.
/// </summary>
public sealed class LitSelfAttention : Module
{
    private readonly int _heads, _grid;
    private readonly Parameter? _table;
    private readonly Linear _qkv, _proj;

    /// <param name="biasGrid">S of the bias table, or 0 for no relative position bias (LIT-Ti).</param>
    /// <param name="indexBuffer">register relative_position_index (the classifier's keys).</param>
    public LitSelfAttention(int dim, int heads, int biasGrid = 0, bool indexBuffer = false)
    {
        (_heads, _grid) = (heads, biasGrid);
        using var scope = TorchRuntime.NewScope();
        if (biasGrid > 0)
        {
            var side = 2 * biasGrid - 1;
            _table = RegisterParameter("relative_position_bias_table", Init.TruncNormal_(Tensor.Zeros(side * side, heads), std: 0.02));
            if (indexBuffer) RegisterBuffer("relative_position_index", RelativeIndex(biasGrid, biasGrid));
        }
        _qkv = RegisterModule("qkv", new Linear(dim, 3 * dim));
        _proj = RegisterModule("proj", new Linear(dim, dim));
    }

    public Tensor Forward(Tensor x, long height, long width)
    {
        using var scope = TorchRuntime.NewScope();
        var s = x.Shape;
        long b = s[0], n = s[1], c = s[2], headDim = c / _heads;
        var qkv = TokenOps.Linear(_qkv, x).Reshape(b, n, 3, _heads, headDim).Permute(2, 0, 3, 1, 4);
        var (q, k, v) = (qkv.Select(0, 0), qkv.Select(0, 1), qkv.Select(0, 2));
        var scale = 1.0 / Math.Sqrt(headDim);
        var attended = _table is null
            ? F.ScaledDotProductAttention(q, k, v, scale: scale, fused: !Training && !TorchRuntime.IsGradEnabled)
            : F.ScaledDotProductAttention(q, k, v, PositionBias(height, width).Unsqueeze(0), scale: scale, fused: false);
        var merged = attended.Transpose(1, 2).Reshape(b, n, c);
        return TokenOps.Linear(_proj, merged).MoveToOuter();
    }

    /// <summary>[heads, H·W, H·W] to add to the attention logits.</summary>
    private Tensor PositionBias(long height, long width)
    {
        var side = 2 * _grid - 1;
        var table = _table!.Transpose(0, 1).Reshape(1, _heads, side, side);
        var (h2, w2) = (2 * height - 1, 2 * width - 1);
        var resized = F.Interpolate(table, size: (h2, w2), mode: InterpolationMode.Bicubic).Reshape(_heads, h2 * w2);
        var n = height * width;
        return resized.IndexSelect(1, RelativeIndex(height, width).View(-1)).View(_heads, n, n);
    }

    /// <summary>relative_position_index of an H×W grid: (yi − yj + H − 1)·(2W − 1) + (xi − xj + W − 1).</summary>
    private static Tensor RelativeIndex(long height, long width)
    {
        var n = height * width;
        var ys = Tensor.Arange(height).Unsqueeze(1).Expand(height, width).Reshape(n);
        var xs = Tensor.Arange(width).Unsqueeze(0).Expand(height, width).Reshape(n);
        var dy = ys.Unsqueeze(1).Sub(ys.Unsqueeze(0)).Add(height - 1);
        var dx = xs.Unsqueeze(1).Sub(xs.Unsqueeze(0)).Add(width - 1);
        return dy.Mul(2 * width - 1).Add(dx);
    }
}
