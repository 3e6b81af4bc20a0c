using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>
/// LIT-S/M/B (reference: classification/code_for_lit_s_m_b/models, detection/mmdet/models/backbones/lit.py). Keys:
/// patch_embed (proj, norm), layers.i.blocks.j, layers.i.downsample (deformable token merging after stages 1-3);
/// the classifier adds norm and head (and relative_position_index buffers), the dense backbone norm1..norm3 on the
/// outputs of stages 2-4 (stage 1's output is not normalised, as in the reference).
/// Bias tables are stored for Config.ImageSize (classifier) or Config.DenseTableImageSize (dense) and resized to the
/// actual grid in every forward; see <see cref="LitSelfAttention"/>.
/// </summary>
public sealed class LitHierarchicalModel : LitBackbone
{
    private readonly LitPatchEmbed _patchEmbed;
    private readonly ModuleList<LitLayer> _layers;
    private readonly LayerNorm?[] _outputNorms = new LayerNorm?[LitConfig.StageCount];
    private readonly LayerNorm? _norm;
    private readonly Linear? _head;

    internal LitHierarchicalModel(LitConfig config, bool classifier) : base(config, classifier)
    {
        var dims = config.Dims;
        using var scope = TorchRuntime.NewScope();
        _patchEmbed = RegisterModule("patch_embed", new LitPatchEmbed(config.InChannels, dims[0], padToPatch: true));
        _layers = RegisterModule("layers", new ModuleList<LitLayer>());
        var tableGrid = (classifier ? config.ImageSize : config.DenseTableImageSize) / 4;
        var block = 0;
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            var rates = Enumerable.Range(block, config.Depths[i]).Select(DropPathRateOf).ToArray();
            block += config.Depths[i];
            _layers.Add(new LitLayer(config, i, tableGrid >> i, indexBuffers: classifier, rates));
        }
        if (classifier)
        {
            _norm = RegisterModule("norm", new LayerNorm(dims[^1]));
            _head = RegisterModule("head", new Linear(dims[^1], config.NumClasses));
        }
        else
        {
            for (var i = 1; i < LitConfig.StageCount; i++) _outputNorms[i] = RegisterModule($"norm{i}", new LayerNorm(dims[i]));
        }
        Init.TimmLinearsAndNorms_(this);   // the reference's _init_weights
    }

    public override IReadOnlyList<Tensor> Forward(Tensor image)
    {
        if (IsClassifier) throw new InvalidOperationException($"{Config.Name} was built as a classifier; build the dense backbone for feature maps");
        CheckInput(image);
        var features = new List<Tensor>(LitConfig.StageCount);
        using var scope = TorchRuntime.NewScope();
        var (x, h, w) = _patchEmbed.Forward(image);
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            var output = _layers[i].RunBlocks(x, h, w);
            var normed = _outputNorms[i] is { } norm ? norm.Forward(output) : output;
            features.Add(ToMap(normed, h, w));
            if (i < LitConfig.StageCount - 1) (x, h, w) = _layers[i].Merge(output, h, w);
        }
        foreach (var f in features) f.MoveToOuter();
        return features;
    }

    public override Tensor Classify(Tensor image)
    {
        if (!IsClassifier) throw new InvalidOperationException($"{Config.Name} was built as a dense backbone; it has no classification head");
        CheckInput(image);
        using var scope = TorchRuntime.NewScope();
        var (x, h, w) = _patchEmbed.Forward(image);
        for (var i = 0; i < LitConfig.StageCount; i++)
        {
            x = _layers[i].RunBlocks(x, h, w);
            if (i < LitConfig.StageCount - 1) (x, h, w) = _layers[i].Merge(x, h, w);
        }
        return _head!.Forward(_norm!.Forward(x).Mean([1])).MoveToOuter();
    }
}

/// <summary>One LIT-S/M/B stage (keys blocks.j, downsample): its blocks, then the token merging into the next stage.</summary>
public sealed class LitLayer : Module
{
    private readonly ModuleList<LitBlock> _blocks;
    private readonly DeformableTokenMerging? _downsample;

    public LitLayer(LitConfig config, int stage, int tableGrid, bool indexBuffers, double[] dropPathRates)
    {
        var dim = config.Dims[stage];
        _blocks = RegisterModule("blocks", new ModuleList<LitBlock>());
        foreach (var rate in dropPathRates)
        {
            var attention = stage >= 2 ? new LitSelfAttention(dim, config.Heads[stage], tableGrid, indexBuffers) : null;
            _blocks.Add(new LitBlock(dim, config.MlpRatios[stage], 1e-5, attention, rate));
        }
        if (stage < LitConfig.StageCount - 1)
            _downsample = RegisterModule("downsample", new DeformableTokenMerging(dim, config.Dims[stage + 1]));
    }

    public Tensor RunBlocks(Tensor tokens, long h, long w)
    {
        foreach (var block in _blocks) tokens = block.Forward(tokens, h, w);
        return tokens;
    }

    /// <summary>Tokens of an h×w grid merged into the next stage's tokens and grid.</summary>
    public (Tensor Tokens, long H, long W) Merge(Tensor tokens, long h, long w)
    {
        var s = tokens.Shape;
        var merged = _downsample!.Forward(tokens.Reshape(s[0], h, w, s[2]).Permute(0, 3, 1, 2));
        return (merged.Flatten(2).Transpose(1, 2), merged.Shape[2], merged.Shape[3]);
    }
}
