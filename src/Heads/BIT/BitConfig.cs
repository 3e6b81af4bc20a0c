namespace GeoDense.Heads.BIT;

/// <summary>
/// BIT (bitemporal image transformer) settings as the LeMeViT change-detection code builds BASE_Transformer:
/// the stride-16 feature projected to <see cref="Channels"/> (32), <see cref="TokenLen"/> semantic tokens per date,
/// a depth-1 encoder over both dates' tokens, a depth-8 decoder per date, 8 heads of width 64, feed-forward 64.
/// </summary>
public sealed record BitConfig
{
    /// <summary>Width of the projected feature and of the tokens (the reference's `dim`, fixed at 32 there).</summary>
    public int Channels { get; init; } = 32;
    public int TokenLen { get; init; } = 4;
    public int EncDepth { get; init; } = 1;
    public int DecDepth { get; init; } = 8;
    public int Heads { get; init; } = 8;
    public int DimHead { get; init; } = 64;
    public int MlpDim { get; init; } = 64;
    public int NumClasses { get; init; } = 2;
    /// <summary>Stride of the backbone feature the head reads (the reference takes output index 2, stride 16).</summary>
    public int FeatureStride { get; init; } = 16;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is not positive.</summary>
    public BitConfig Validate()
    {
        foreach (var (name, value) in new[] { ("channels", Channels), ("token_len", TokenLen), ("enc_depth", EncDepth), ("dec_depth", DecDepth),
                     ("heads", Heads), ("dim_head", DimHead), ("mlp_dim", MlpDim), ("num_classes", NumClasses), ("feature_stride", FeatureStride) })
            if (value < 1) throw new ArgumentException($"BIT {name} must be positive, got {value}");
        return this;
    }
}
