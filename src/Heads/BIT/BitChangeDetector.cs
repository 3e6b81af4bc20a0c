using GeoDense.Torch;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Heads.BIT;

/// <summary>
/// BIT change detection on a siamese dense backbone, as the LeMeViT change-detection code's BASE_Transformer:
/// both dates run through the SAME backbone (one parameter set); each date's stride-16 feature is upsampled 2x
/// (nearest) and projected to 32 channels (`conv_pred`); the semantic tokenizer (`conv_a`) gives 4 tokens per date;
/// both dates' tokens [date 1, date 2] + a learned `pos_embedding` pass the encoder together and are split again;
/// each date's pixels then attend to its own tokens in the decoder; |f1 - f2| is upsampled 2x (nearest) and 4x
/// (bilinear, align_corners) and classified by a two-layer conv. No input normalisation happens here: the
/// reference feeds raw 0..255 RGB, and what the caller passes is what the model sees.
/// State-dict keys and order equal the reference: `pos_embedding`, `backbone.*`, `classifier.*`, `conv_pred.*`,
/// `conv_a.weight`, `transformer.*`, `transformer_decoder.*`.
/// </summary>
public sealed class BitChangeDetector : Module
{
    readonly IDenseBackbone features;
    readonly int featureIndex;

    public BitConfig Config { get; }
    public Parameter PosEmbedding { get; }
    /// <summary>The shared backbone as registered under `backbone.`.</summary>
    public Module Backbone { get; }
    public Sequential Classifier { get; }
    public Conv2d ConvPred { get; }
    public Conv2d ConvA { get; }
    public BitEncoder Transformer { get; }
    public BitDecoder TransformerDecoder { get; }

    /// <param name="backbone">a <see cref="Module"/> with a feature map at <see cref="BitConfig.FeatureStride"/></param>
    public BitChangeDetector(IDenseBackbone backbone, BitConfig config)
    {
        Config = config.Validate();
        features = backbone;
        featureIndex = backbone.FeatureStrides.ToList().IndexOf(config.FeatureStride);
        if (featureIndex < 0)
            throw new ArgumentException($"the backbone has no stride-{config.FeatureStride} feature (strides {string.Join(", ", backbone.FeatureStrides)})", nameof(backbone));
        using var scope = TorchRuntime.NewScope();
        // the reference's pos_embedding starts as torch.randn and is the root's only own parameter, hence first
        PosEmbedding = RegisterParameter("pos_embedding", Tensor.Randn(1, 2 * config.TokenLen, config.Channels));
        Backbone = RegisterModule("backbone", backbone as Module
            ?? throw new ArgumentException($"{backbone.GetType().Name} is not a Module, so its weights cannot be registered", nameof(backbone)));
        Classifier = RegisterModule("classifier", TwoLayerConv2d.Create(config.Channels, config.NumClasses));
        ConvPred = RegisterModule("conv_pred", new Conv2d(backbone.FeatureChannels[featureIndex], config.Channels, 3, padding: 1));
        ConvA = RegisterModule("conv_a", new Conv2d(config.Channels, config.TokenLen, 1, bias: false));
        Transformer = RegisterModule("transformer", new BitEncoder(config));
        TransformerDecoder = RegisterModule("transformer_decoder", new BitDecoder(config));
    }

    public int NumClasses => Config.NumClasses;

    /// <summary>
    /// Change logits [B, classes, H', W'] for two co-registered dates [B, C, H, W], fed as given. H' = 8·ceil(H/16)
    /// (likewise W'), so H' = H whenever H is a multiple of 16, as CDD's 256 patches are.
    /// </summary>
    public Tensor Forward(Tensor before, Tensor after)
    {
        if (!before.Shape.AsSpan().SequenceEqual(after.Shape))
            throw new ArgumentException($"the two dates differ in shape: [{string.Join(", ", before.Shape)}] and [{string.Join(", ", after.Shape)}]");
        using var scope = TorchRuntime.NewScope();
        var f1 = EmbedDate(before);
        var f2 = EmbedDate(after);
        var (t1, t2) = EncodeTokens(SemanticTokenizer.Tokens(ConvA, f1), SemanticTokenizer.Tokens(ConvA, f2));
        var d1 = TransformerDecoder.Forward(f1, t1);
        var d2 = TransformerDecoder.Forward(f2, t2);
        var difference = d1.Sub(d2).Abs();
        var stride4 = F.Interpolate(difference, scaleFactor: 2, mode: InterpolationMode.Nearest);
        var full = F.Interpolate(stride4, scaleFactor: 4, mode: InterpolationMode.Bilinear, alignCorners: true);
        return Classifier.Forward(full).MoveToOuter();
    }

    /// <summary>One date through the shared backbone: stride-16 feature, 2x nearest, `conv_pred` -> [B, Channels, h, w] at stride 8.</summary>
    public Tensor EmbedDate(Tensor image)
    {
        using var scope = TorchRuntime.NewScope();
        var maps = features.Forward(image);
        var upsampled = F.Interpolate(maps[featureIndex], scaleFactor: 2, mode: InterpolationMode.Nearest);
        return ConvPred.Forward(upsampled).MoveToOuter();
    }

    /// <summary>Both dates' tokens [B, L, C] -> encoded together with the position embedding, split back per date.</summary>
    public (Tensor Before, Tensor After) EncodeTokens(Tensor before, Tensor after)
    {
        using var scope = TorchRuntime.NewScope();
        var joint = Tensor.Cat([before, after], 1).Add(PosEmbedding);
        var encoded = Transformer.Forward(joint).Chunk(2, 1);
        return (encoded[0].MoveToOuter(), encoded[1].MoveToOuter());
    }
}
