using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>
/// LIT-Ti (reference: classification/code_for_lit_ti/lit.py, detection/mmdet/models/backbones/lit_ti.py). Keys:
/// pos_embed1..4 (pos_embed4 has one extra slot for the class token), patch_embed1 (proj, norm), patch_embed2..4
/// (deformable token merging), block1..4; the classifier adds cls_token, norm and head.
/// Position embeddings are stored for a Config.ImageSize input; for another size each is resized bilinearly
/// (align_corners false) to the stage's grid, as the detection backbone does. One quirk of that code is kept: a
/// stage-1 grid with as many tokens as the stored one (e.g. 28x112 against 56x56) takes the embedding unresized.
/// </summary>
public sealed class LitTiModel : LitBackbone
{
    private readonly Parameter[] _posEmbeds = new Parameter[LitConfig.StageCount];
    private readonly Parameter? _clsToken;
    private readonly LitPatchEmbed _stem;
    private readonly DeformableTokenMerging[] _merging = new DeformableTokenMerging[LitConfig.StageCount];
    private readonly ModuleList<LitBlock>[] _blocks = new ModuleList<LitBlock>[LitConfig.StageCount];
    private readonly LayerNorm? _norm;
    private readonly Linear? _head;

    internal LitTiModel(LitConfig config, bool classifier) : base(config, classifier)
    {
        var dims = config.Dims;
        using var scope = TorchRuntime.NewScope();
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            var grid = StoredGrid(i);
            var tokens = grid * grid + (i == LitConfig.StageCount - 1 ? 1 : 0);
            _posEmbeds[i] = RegisterParameter($"pos_embed{i + 1}", Init.TruncNormal_(Tensor.Zeros(1, tokens, dims[i]), std: 0.02));
        }
        if (classifier) _clsToken = RegisterParameter("cls_token", Init.TruncNormal_(Tensor.Zeros(1, 1, dims[^1]), std: 0.02));

        _stem = RegisterModule("patch_embed1", new LitPatchEmbed(config.InChannels, dims[0], padToPatch: false));
        for (var i = 1; i < LitConfig.StageCount; i++)
            _merging[i] = RegisterModule($"patch_embed{i + 1}", new DeformableTokenMerging(dims[i - 1], dims[i]));
        var block = 0;
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            var list = new ModuleList<LitBlock>();
            for (var j = 0; j < config.Depths[i]; j++, block++)
            {
                // stages 1-2: MLP only; stages 3-4: plain multi-head self-attention (no positional term in the block)
                var attention = i >= 2 ? new LitSelfAttention(dims[i], config.Heads[i]) : null;
                list.Add(new LitBlock(dims[i], config.MlpRatios[i], 1e-6, attention, DropPathRateOf(block)));
            }
            _blocks[i] = RegisterModule($"block{i + 1}", list);
        }
        if (classifier)
        {
            _norm = RegisterModule("norm", new LayerNorm(dims[^1], 1e-6));
            _head = RegisterModule("head", new Linear(dims[^1], config.NumClasses));
        }
        Init.TimmLinearsAndNorms_(this);   // the reference's _init_weights
    }

    private int StoredGrid(int stage) => Config.ImageSize / 4 >> stage;

    public override IReadOnlyList<Tensor> Forward(Tensor image)
    {
        CheckInput(image);
        var features = new List<Tensor>(LitConfig.StageCount);
        using var scope = TorchRuntime.NewScope();
        var map = image;
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            var (tokens, h, w) = Embed(i, map);
            tokens = tokens.Add(PositionEmbedding(i, h, w, withClassSlot: false));
            tokens = RunBlocks(i, tokens, h, w);
            map = ToMap(tokens, h, w);
            features.Add(map);
        }
        foreach (var f in features) f.MoveToOuter();
        return features;
    }

    public override Tensor Classify(Tensor image)
    {
        if (!IsClassifier) throw new InvalidOperationException($"{Config.Name} was built as a dense backbone; it has no classification head");
        CheckInput(image);
        using var scope = TorchRuntime.NewScope();
        var map = image;
        for (var i = 0; i < LitConfig.StageCount - 1; i++)
        {
            var (tokens, h, w) = Embed(i, map);
            map = ToMap(RunBlocks(i, tokens.Add(PositionEmbedding(i, h, w, withClassSlot: false)), h, w), h, w);
        }
        var last = LitConfig.StageCount - 1;
        var (x, hh, ww) = Embed(last, map);
        x = Tensor.Cat([_clsToken!.Expand(x.Shape[0], -1, -1), x], 1).Add(PositionEmbedding(last, hh, ww, withClassSlot: true));
        foreach (var block in _blocks[last]) x = block.Forward(x, hh, ww);   // the class token rides along; attention has no bias here
        var cls = _norm!.Forward(x).Select(1, 0);
        return _head!.Forward(cls).MoveToOuter();
    }

    /// <summary>Stage i's tokens from the previous map: the stride-4 patch embedding or a token merging.</summary>
    private (Tensor Tokens, long H, long W) Embed(int stage, Tensor map)
    {
        if (stage == 0) return _stem.Forward(map);
        var merged = _merging[stage].Forward(map);
        return (ToTokens(merged), merged.Shape[2], merged.Shape[3]);
    }

    private Tensor RunBlocks(int stage, Tensor tokens, long h, long w)
    {
        foreach (var block in _blocks[stage]) tokens = block.Forward(tokens, h, w);
        return tokens;
    }

    /// <summary>pos_embed{stage+1} for an h×w grid (with the class slot first when asked), [1, N, C].</summary>
    private Tensor PositionEmbedding(int stage, long h, long w, bool withClassSlot)
    {
        var stored = _posEmbeds[stage];
        var hasClassSlot = stage == LitConfig.StageCount - 1;
        var grid = StoredGrid(stage);
        var gridPart = hasClassSlot ? stored.Narrow(1, 1, grid * grid) : stored;
        Tensor resized;
        if ((h == grid && w == grid) || (stage == 0 && h * w == (long)grid * grid))
            resized = gridPart;   // the detection backbone's "same token count: use as is" test (only ever true at stage 1 by count)
        else
        {
            var asMap = gridPart.Reshape(1, grid, grid, -1).Permute(0, 3, 1, 2);
            resized = ToTokens(F.Interpolate(asMap, size: (h, w), mode: InterpolationMode.Bilinear));
        }
        return withClassSlot ? Tensor.Cat([stored.Narrow(1, 0, 1), resized], 1) : resized;
    }
}

/// <summary>The stride-4 patch embedding (keys proj, norm): a 4x4 stride-4 conv and a LayerNorm (eps 1e-5) over the
/// tokens. LIT-S/M/B's version first zero-pads the image to a multiple of 4 on the right and bottom.</summary>
public sealed class LitPatchEmbed : Module
{
    private readonly bool _padToPatch;
    public Conv2d Proj { get; }
    public LayerNorm Norm { get; }

    public LitPatchEmbed(int inChannels, int dim, bool padToPatch)
    {
        _padToPatch = padToPatch;
        Proj = RegisterModule("proj", new Conv2d(inChannels, dim, 4, stride: 4));
        Norm = RegisterModule("norm", new LayerNorm(dim));
    }

    /// <summary>Tokens [B, h·w, C] and the grid h×w.</summary>
    public (Tensor Tokens, long H, long W) Forward(Tensor image)
    {
        using var scope = TorchRuntime.NewScope();
        var s = image.Shape;
        var (padH, padW) = _padToPatch ? ((4 - s[2] % 4) % 4, (4 - s[3] % 4) % 4) : (0L, 0L);
        var input = padH > 0 || padW > 0 ? F.Pad(image, [0, padW, 0, padH]) : image;
        var conv = Proj.Forward(input);
        var tokens = Norm.Forward(conv.Flatten(2).Transpose(1, 2));
        return (tokens.MoveToOuter(), conv.Shape[2], conv.Shape[3]);
    }
}
