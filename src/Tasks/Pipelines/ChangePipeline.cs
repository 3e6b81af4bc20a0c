namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// `task: change` — siamese LeMeViT + BIT on two dates (reference/change.md). The reference feeds raw 0..255 RGB,
/// so the input defaults to mean 0 / std 1; windows default to CDD's 256 patches.
/// </summary>
public sealed record ChangePipeline : Pipeline
{
    public ChangePipeline()
    {
        Input = new ChangeInputSection { Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] };
        Tiling = new TilingSection { Size = 256, Stride = 256 };
    }

    public override string Task => "change";
    public required ChangeModelSection Model { get; init; }
    public ChangeTrainSection? Train { get; init; }

    public override IReadOnlyList<string> SupportedFormats => OutputSection.DenseFormats;

    /// <summary>How the after image is resampled onto the before image's grid (`input.resampling`).</summary>
    public string Resampling => (Input as ChangeInputSection)?.Resampling ?? ChangeInputSection.DefaultResampling;

    internal override void Check(PipelineProblems problems)
    {
        base.Check(problems);
        Model.Check(problems, "model");
        Train?.Check(problems, "train");
    }
}

/// <summary>`input` of change detection: the shared keys plus how the after date is warped onto the before date's grid.</summary>
public sealed record ChangeInputSection : InputSection
{
    public const string DefaultResampling = "bilinear";

    /// <summary>GDAL warp resampling of the after image: nearest | bilinear | cubic | cubicspline | lanczos | average | mode.</summary>
    public string Resampling { get; init; } = DefaultResampling;

    public static IReadOnlyList<string> ResamplingNames { get; } = ["nearest", "bilinear", "cubic", "cubicspline", "lanczos", "average", "mode"];

    internal override void Check(PipelineProblems p, string at)
    {
        base.Check(p, at);
        p.OneOf($"{at}.resampling", Resampling, ResamplingNames);
    }
}

/// <summary>`model` of change detection: BIT's semantic tokens and transformer (BASE_Transformer as the reference builds it).</summary>
public sealed record ChangeModelSection
{
    public required string Backbone { get; init; }
    public required string Head { get; init; }
    public List<string> Classes { get; init; } = ["unchanged", "changed"];
    /// <summary>Width of the projected stride-16 feature (`conv_pred`) and of the tokens.</summary>
    public int Channels { get; init; } = 32;
    /// <summary>Semantic tokens per date.</summary>
    public int TokenLen { get; init; } = 4;
    public int EncDepth { get; init; } = 1;
    public int DecDepth { get; init; } = 8;
    public int Heads { get; init; } = 8;
    public int DimHead { get; init; } = 64;
    /// <summary>Feed-forward width (2 × channels in the reference).</summary>
    public int MlpDim { get; init; } = 64;

    public static IReadOnlyList<string> HeadNames { get; } = ["bit"];

    internal void Check(PipelineProblems p, string at)
    {
        Pipeline.CheckBackbone(p, Backbone);
        p.OneOf($"{at}.head", Head, HeadNames);
        p.NonEmptyDistinct($"{at}.classes", Classes);
        p.Check(Classes.Count >= 2, $"{at}.classes", $"needs at least two classes (no change, change; got {Classes.Count})");
        p.Positive($"{at}.channels", Channels);
        p.Positive($"{at}.token_len", TokenLen);
        p.Positive($"{at}.enc_depth", EncDepth);
        p.Positive($"{at}.dec_depth", DecDepth);
        p.Positive($"{at}.heads", Heads);
        p.Positive($"{at}.dim_head", DimHead);
        p.Positive($"{at}.mlp_dim", MlpDim);
    }
}

/// <summary>
/// `train` of change detection: the reference recipe — AdamW lr 2.4e-4, wd 0.01, batch 16, linear decay (poly, power 1)
/// without warmup over 200 epochs of CDD's 10000 pairs (625 iterations each).
/// </summary>
public sealed record ChangeTrainSection : TrainSection
{
    public ChangeTrainSection()
    {
        WorkDir = "runs/change";
        Iterations = 125000;
        BatchSize = 16;
        Optimizer = new OptimizerSection { Lr = 2.4e-4, WeightDecay = 0.01 };
        Schedule = new ScheduleSection { Type = "poly", WarmupIters = 0, Power = 1.0 };
        CheckpointEvery = 6250;
        ValidateEvery = 625;
    }

    public ChangeAugmentSection Augment { get; init; } = new();
    /// <summary>ce (the reference's 2-class cross-entropy) or ce_dice (cross-entropy + soft dice of the change class).</summary>
    public string Loss { get; init; } = "ce";

    public static IReadOnlyList<string> LossNames { get; } = ["ce", "ce_dice"];

    internal override void Check(PipelineProblems p, string at)
    {
        base.Check(p, at);
        p.OneOf($"{at}.loss", Loss, LossNames);
        p.NotNegative($"{at}.augment.crop_size", Augment.CropSize);
        p.Between($"{at}.augment.horizontal_flip", Augment.HorizontalFlip, 0, 1);
        p.Between($"{at}.augment.vertical_flip", Augment.VerticalFlip, 0, 1);
        p.Between($"{at}.augment.rotate90", Augment.Rotate90, 0, 1);
    }
}

/// <summary>`train.augment` of change detection, applied identically to both dates.</summary>
public sealed record ChangeAugmentSection
{
    public double HorizontalFlip { get; init; } = 0.5;
    public double VerticalFlip { get; init; } = 0.5;
    /// <summary>Probability of a 90°, 180° or 270° turn (0.75: each of the four turns equally likely).</summary>
    public double Rotate90 { get; init; } = 0.75;
    /// <summary>Random crop of this size at the same place in both dates; 0 (the reference) trains on whole images.</summary>
    public int CropSize { get; init; }
    /// <summary>Brightness/contrast jitter drawn separately for each date (not in the reference; teaches illumination invariance).</summary>
    public bool Photometric { get; init; }
}
