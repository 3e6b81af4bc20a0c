using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>
/// LeMeViT dense backbone (the reference's mmseg/mmdet variant): image feature maps after stages 1..4,
/// strides 4/8/16/32, channels Dims[1..4]. The module tree and state-dict keys equal the reference
/// (meta_tokens, downsample_layers, meta_token_downsample, stages, norm, norm_c); norm and norm_c are
/// kept, unused, so reference checkpoints load strictly. See docs/lemevit.md for the math.
/// </summary>
public class LeMeViTBackbone : Module, IDenseBackbone
{
    private readonly Parameter _metaTokens;
    private readonly ModuleList<Module<Tensor, Tensor>> _downsampleLayers;
    private readonly ModuleList<Sequential> _metaTokenStems;
    private readonly ModuleList<ModuleList<LeMeViTBlock>> _stages;
    // For inference: each conv + BN pair of downsample_layers folded once, by (stage, index of the conv).
    private readonly Dictionary<(int Stage, int Conv), FoldedConv2d> _folded = new();

    public LeMeViTConfig Config { get; }

    /// <summary>Channels of feature1..feature4.</summary>
    public IReadOnlyList<int> FeatureChannels => Config.Dims[1..];
    public static IReadOnlyList<int> FeatureStrides { get; } = [4, 8, 16, 32];
    IReadOnlyList<int> IDenseBackbone.FeatureStrides => FeatureStrides;

    /// <param name="extraNorms">register `extra_norms.{0..3}` (LayerNorm2d of each output width) as the reference's
    /// detection backbone does: unused in its forward, but its checkpoints carry them, so a strict load needs them</param>
    public LeMeViTBackbone(LeMeViTConfig config, bool extraNorms = false)
    {
        Config = config.Validate();
        var dims = config.Dims;
        using var scope = TorchRuntime.NewScope();
        _metaTokens = RegisterParameter("meta_tokens", Tensor.Randn(config.MetaTokens, dims[0]));

        _downsampleLayers = RegisterModule("downsample_layers", new ModuleList<Module<Tensor, Tensor>>());
        _downsampleLayers.Add(new Sequential(
            new Conv2d(config.InChannels, dims[0] / 2, 3, stride: 2, padding: 1), new BatchNorm2d(dims[0] / 2), new GELU(),
            new Conv2d(dims[0] / 2, dims[0], 3, stride: 2, padding: 1), new BatchNorm2d(dims[0])));
        _downsampleLayers.Add(new Identity()); // stage 0 is a cross-attention stage: no downsampling after it
        for (var i = 2; i < LeMeViTConfig.StageCount; i++)
            _downsampleLayers.Add(new Sequential(new Conv2d(dims[i - 1], dims[i], 3, stride: 2, padding: 1), new BatchNorm2d(dims[i])));
        for (var i = 0; i < LeMeViTConfig.StageCount; i++)
            if (_downsampleLayers[i] is Sequential sequence)
                foreach (var conv in i == 0 ? new[] { 0, 3 } : [0])
                    _folded[(i, conv)] = new FoldedConv2d((Conv2d)sequence[conv], (BatchNorm2d)sequence[conv + 1]);

        _metaTokenStems = RegisterModule("meta_token_downsample", new ModuleList<Sequential>());
        for (var i = 0; i < LeMeViTConfig.StageCount; i++)
        {
            var input = dims[Math.Max(i - 1, 0)];
            _metaTokenStems.Add(new Sequential(
                new Linear(input, 4 * input), new LayerNorm(4 * input), new GELU(),
                new Linear(4 * input, dims[i]), new LayerNorm(dims[i])));
        }

        if (extraNorms)
            RegisterModule("extra_norms", new ModuleList<LayerNorm>(dims[1..].Select(d => new LayerNorm(d))));

        _stages = RegisterModule("stages", new ModuleList<ModuleList<LeMeViTBlock>>());
        var block = 0;
        for (var i = 0; i < LeMeViTConfig.StageCount; i++)
        {
            var stage = new ModuleList<LeMeViTBlock>();
            for (var j = 0; j < config.Depths[i]; j++, block++)
                stage.Add(CreateBlock(i, DropPathRateOf(block)));
            _stages.Add(stage);
        }

        RegisterModule("norm", new BatchNorm2d(dims[^1]));
        RegisterModule("norm_c", new LayerNorm(dims[^1]));
        // the reference's _init_weights; convs and BatchNorms keep PyTorch's defaults, meta tokens stay standard normal
        Init.TimmLinearsAndNorms_(this);
    }

    private LeMeViTBlock CreateBlock(int stage, double dropPath)
    {
        var (dim, heads) = (Config.Dims[stage], Config.HeadsOf(stage));
        return stage switch
        {
            0 => new CrossAttentionBlock(dim, heads, Config, dropPath),
            1 or 2 => new DualCrossAttentionBlock(dim, heads, Config, dropPath),
            _ => new StandardAttentionBlock(dim, heads, Config, dropPath),
        };
    }

    private double DropPathRateOf(int block) =>
        Config.TotalBlocks == 1 ? 0 : Config.DropPathRate * block / (Config.TotalBlocks - 1);

    /// <summary>feature1..feature4 for an input [B, InChannels, H, W]; feature k is
    /// [B, Dims[k], ceil(H/s), ceil(W/s)] with s = 4, 8, 16, 32. Results belong to the caller's scope.</summary>
    public IReadOnlyList<Tensor> Forward(Tensor input)
    {
        CheckInput(input);
        var padded = Config.PadToMultipleOf32 ? PadTo32(input) : null;
        var features = new List<Tensor>(4);
        using (var scope = TorchRuntime.NewScope())
        {
            RunStages(padded ?? input, updateMetaEverywhere: false, features);
            for (var k = 0; k < features.Count; k++)
                features[k] = (padded is null ? features[k] : CropTo(features[k], input, FeatureStrides[k])).MoveToOuter();
        }
        padded?.Dispose();
        return features;
    }

    /// <summary>
    /// Runs every stage. Returns the final image map and meta tokens (owned by the caller's scope) and appends
    /// the map after stages 1..4 to <paramref name="features"/> when given. With
    /// <paramref name="updateMetaEverywhere"/> false the self-attention stages skip the meta tokens, as the
    /// reference's dense variant does (nothing downstream reads them).
    /// </summary>
    protected (Tensor X, Tensor C) RunStages(Tensor input, bool updateMetaEverywhere, List<Tensor>? features)
    {
        var keep = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { input };
        var x = input.Device.IsCuda ? input : TokenOps.ChannelsLast(input);
        var c = _metaTokens.Unsqueeze(0).Expand(input.Shape[0], -1, -1);
        void Replace(ref Tensor current, Tensor next)
        {
            if (!ReferenceEquals(current, next) && !keep.Contains(current)) current.Dispose();
            current = next;
        }

        for (var i = 0; i < LeMeViTConfig.StageCount; i++)
        {
            Replace(ref x, Downsample(i, x));
            Replace(ref c, _metaTokenStems[i].Forward(c));
            var updateMeta = updateMetaEverywhere || i < 3;
            foreach (var block in _stages[i])
            {
                var (nx, nc) = block.Forward(x, c, updateMeta);
                Replace(ref x, nx);
                Replace(ref c, nc);
            }
            if (i > 0 && features is not null)
            {
                features.Add(x);
                keep.Add(x);
            }
        }
        return (x, c);
    }

    /// <summary>downsample_layers[i]; at inference each conv+BN pair runs as one conv with the BN folded in (folded once),
    /// on the CPU through oneDNN with the weights packed once (in int8 when the model was prepared for it) and the
    /// stem's GELU fused.</summary>
    private Tensor Downsample(int stage, Tensor x)
    {
        var layer = _downsampleLayers[stage];
        if (layer is not Sequential || Training || TorchRuntime.IsGradEnabled) return layer.Forward(x);
        Tensor Folded(int conv, Tensor input, bool gelu = false)
        {
            var folded = _folded[(stage, conv)].Current;
            if (folded.InfersOnOneDnn(input)) return folded.InferOnOneDnn(input, gelu);
            var y = folded.Forward(input);
            return gelu ? y.Gelu_() : y;
        }
        if (stage > 0) return Folded(0, x);
        using var scope = TorchRuntime.NewScope();
        return Folded(3, Folded(0, x, gelu: true)).MoveToOuter();   // stem: conv, BN, GELU, conv, BN
    }

    protected override void ReleaseNative()
    {
        foreach (var folded in _folded.Values) folded.Dispose();
    }

    protected void CheckInput(Tensor input)
    {
        var s = input.Shape;
        if (s.Length != 4 || s[1] != Config.InChannels)
            throw new ArgumentException($"{Config.Name} expects an input [batch, {Config.InChannels}, height, width], got [{string.Join(", ", s)}]");
    }

    private static Tensor PadTo32(Tensor input)
    {
        var s = input.Shape;
        long Up(long v) => (v + 31) / 32 * 32;
        return F.Pad(input, [0, Up(s[3]) - s[3], 0, Up(s[2]) - s[2]]);
    }

    private static Tensor CropTo(Tensor feature, Tensor input, int stride)
    {
        var s = input.Shape;
        long Ceil(long v) => (v + stride - 1) / stride;
        return feature.Narrow(2, 0, Ceil(s[2])).Narrow(3, 0, Ceil(s[3]));
    }
}
