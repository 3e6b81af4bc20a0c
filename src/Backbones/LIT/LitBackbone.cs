using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>
/// A LIT network (docs/lit.md), either the dense backbone (the reference detection backbones: feature maps after
/// stages 1..4, strides 4/8/16/32, any input size) or the ImageNet classifier (the reference classification code,
/// logits from <see cref="Classify"/>). The two layouts of the reference (LIT-Ti and LIT-S/M/B) have different
/// module trees; <see cref="Create"/> picks the one the config names. Keys equal the reference's, so its released
/// checkpoints load (see <see cref="LitWeights"/>).
/// </summary>
public abstract class LitBackbone : Module, IDenseBackbone, ISceneClassifier
{
    public LitConfig Config { get; }
    /// <summary>Built with the classification head's keys (and without the dense-only ones).</summary>
    public bool IsClassifier { get; }

    public IReadOnlyList<int> FeatureChannels => Config.Dims;
    public int NumClasses => Config.NumClasses;
    Module ISceneClassifier.Module => this;
    public static IReadOnlyList<int> FeatureStrides { get; } = [4, 8, 16, 32];
    IReadOnlyList<int> IDenseBackbone.FeatureStrides => FeatureStrides;

    protected LitBackbone(LitConfig config, bool classifier)
    {
        Config = config.Validate();
        IsClassifier = classifier;
        if (classifier && config.NumClasses < 1) throw new ArgumentException($"{config.Name}: num_classes must be positive, got {config.NumClasses}");
    }

    /// <summary>The dense backbone (<paramref name="classifier"/> false) or the classifier of a LIT variant.</summary>
    public static LitBackbone Create(LitConfig config, bool classifier = false) => config.Layout switch
    {
        LitLayout.Tiny => new LitTiModel(config, classifier),
        _ => new LitHierarchicalModel(config, classifier),
    };

    /// <summary>Feature maps [B, Dims[k], h_k, w_k] after stages 1..4 (h_1 = ⌊H/4⌋ for LIT-Ti, ⌈H/4⌉ for LIT-S/M/B,
    /// which pad to a multiple of 4; each token merging then halves, rounding down, as the reference does).
    /// Results belong to the caller's scope.</summary>
    public abstract IReadOnlyList<Tensor> Forward(Tensor image);

    /// <summary>Logits [B, NumClasses] (classifier only); owned by the caller's scope.</summary>
    public abstract Tensor Classify(Tensor image);

    protected void CheckInput(Tensor input)
    {
        var s = input.Shape;
        if (s.Length != 4 || s[1] != Config.InChannels)
            throw new ArgumentException($"{Config.Name} expects an input [batch, {Config.InChannels}, height, width], got [{string.Join(", ", s)}]");
        if (s[2] < 32 || s[3] < 32)
            throw new InputTooSmallException($"{Config.Name} needs an input of at least 32x32 pixels (four stride-2 stages after a stride-4 stem), got {s[2]}x{s[3]}");
    }

    /// <summary>Stochastic-depth rate of block <paramref name="block"/> (torch.linspace(0, rate, total)).</summary>
    protected double DropPathRateOf(int block) => Config.TotalBlocks == 1 ? 0 : Config.DropPathRate * block / (Config.TotalBlocks - 1);

    /// <summary>Tokens [B, H·W, C] as a map [B, C, H, W] (a view).</summary>
    protected static Tensor ToMap(Tensor tokens, long height, long width)
    {
        var s = tokens.Shape;
        return tokens.Reshape(s[0], height, width, s[2]).Permute(0, 3, 1, 2);
    }

    /// <summary>A map [B, C, H, W] as tokens [B, H·W, C].</summary>
    protected static Tensor ToTokens(Tensor map) => map.Flatten(2).Transpose(1, 2);
}

/// <summary>Deformable Token Merging between stages (keys dconv.*, norm_layer.*): a 2x2 stride-2 deformable conv that
/// learns where to sample, BatchNorm, GELU. Output size ⌊H/2⌋×⌊W/2⌋.</summary>
public sealed class DeformableTokenMerging : Module<Tensor, Tensor>
{
    private readonly DeformConv2dPack _dconv;
    private readonly BatchNorm2d _norm;

    public DeformableTokenMerging(int inChannels, int outChannels)
    {
        _dconv = RegisterModule("dconv", new DeformConv2dPack(inChannels, outChannels, kernelSize: 2, stride: 2, padding: 0));
        _norm = RegisterModule("norm_layer", new BatchNorm2d(outChannels));
        RegisterModule("act_layer", new GELU());
    }

    /// <summary>A map [B, C, H, W] to the merged map [B, C', ⌊H/2⌋, ⌊W/2⌋].</summary>
    public override Tensor Forward(Tensor map)
    {
        using var scope = TorchRuntime.NewScope();
        return _norm.Forward(_dconv.Forward(map)).Gelu().MoveToOuter();
    }
}
