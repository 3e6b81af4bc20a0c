namespace GeoDense.Tasks.Pipelines;

/// <summary>`task: segmentation` — LeMeViT + UperNet (+ FCN auxiliary head) as in LeMeViT's Potsdam setting.</summary>
public sealed record SegmentationPipeline : Pipeline
{
    public override string Task => "segmentation";
    public required SegmentationModelSection Model { get; init; }
    /// <summary>None for a pipeline that only predicts.</summary>
    public SegmentationTrainSection? Train { get; init; }

    public override IReadOnlyList<string> SupportedFormats => OutputSection.DenseFormats;

    internal override void Check(PipelineProblems problems)
    {
        base.Check(problems);
        Model.Check(problems, "model");
        Train?.Check(problems, "train");
    }
}

/// <summary>`model` of a segmentation pipeline; the widths are mmseg's UPerHead / FCNHead config values.</summary>
public sealed record SegmentationModelSection
{
    public required string Backbone { get; init; }
    public required string Head { get; init; }
    public required List<string> Classes { get; init; }
    /// <summary>Label value never scored; when it is the last class (Potsdam's clutter) that class is not predicted either.</summary>
    public int IgnoreIndex { get; init; } = 255;
    /// <summary>Decode head width (mmseg `channels`, 512 in the reference config).</summary>
    public int Channels { get; init; } = 512;
    /// <summary>Auxiliary FCN head width (256 in the reference config); 0 disables the auxiliary head.</summary>
    public int AuxChannels { get; init; } = 256;
    public double AuxLossWeight { get; init; } = 0.4;
    public double Dropout { get; init; } = 0.1;

    public static IReadOnlyList<string> HeadNames { get; } = ["upernet"];

    /// <summary>Classes the head predicts and metrics score: all but an ignored last class (Potsdam: clutter).</summary>
    public int ScoredClassCount() => IgnoreIndex < Classes.Count ? IgnoreIndex : Classes.Count;

    internal void Check(PipelineProblems p, string at)
    {
        Pipeline.CheckBackbone(p, Backbone);
        p.OneOf($"{at}.head", Head, HeadNames);
        p.NonEmptyDistinct($"{at}.classes", Classes);
        p.Check(IgnoreIndex >= 0 && IgnoreIndex <= 255 && IgnoreIndex >= Classes.Count - 1, $"{at}.ignore_index",
            $"must be in [{Math.Max(0, Classes.Count - 1)}, 255]: the last class (then not predicted) or a value past the classes (got {IgnoreIndex})");
        p.Positive($"{at}.channels", Channels);
        p.NotNegative($"{at}.aux_channels", AuxChannels);
        p.NotNegative($"{at}.aux_loss_weight", AuxLossWeight);
        p.Between($"{at}.dropout", Dropout, 0, 1, hiExclusive: true);
    }
}

/// <summary>`train` of a segmentation pipeline: mmseg's Potsdam 80k-iteration recipe by default.</summary>
public sealed record SegmentationTrainSection : TrainSection
{
    public SegmentationTrainSection() => WorkDir = "runs/segmentation";

    public SegmentationAugmentSection Augment { get; init; } = new();

    internal override void Check(PipelineProblems p, string at)
    {
        base.Check(p, at);
        Augment.Check(p, $"{at}.augment");
    }
}

/// <summary>`train.augment` of segmentation: mmseg's resize / random crop (cat_max_ratio) / flip / photometric distortion.</summary>
public sealed record SegmentationAugmentSection
{
    public int ResizeBase { get; init; } = 512;
    public List<double> RatioRange { get; init; } = [0.5, 2.0];
    public int CropSize { get; init; } = 512;
    public double CatMaxRatio { get; init; } = 0.75;
    public double FlipProbability { get; init; } = 0.5;
    public bool Photometric { get; init; } = true;

    internal void Check(PipelineProblems p, string at)
    {
        p.Positive($"{at}.resize_base", ResizeBase);
        p.Check(RatioRange.Count == 2 && RatioRange[0] > 0 && RatioRange[0] <= RatioRange[1], $"{at}.ratio_range",
            $"needs two values 0 < lo <= hi (got [{string.Join(", ", RatioRange.Select(PipelineProblems.Text))}])");
        p.Positive($"{at}.crop_size", CropSize);
        p.Check(CatMaxRatio > 0 && CatMaxRatio <= 1, $"{at}.cat_max_ratio", $"must be in (0, 1] (got {PipelineProblems.Text(CatMaxRatio)})");
        p.Between($"{at}.flip_probability", FlipProbability, 0, 1);
    }
}
