namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// `task: detection` — LeMeViT + FPN + Oriented R-CNN on DOTA (reference/detection.md). Defaults are the reference
/// config's (faster_rcnn_orpn_lemevit_*_rsp_fpn_1x_dota10): 1024 windows with gap 200, single-scale test.
/// </summary>
public sealed record DetectionPipeline : Pipeline
{
    public DetectionPipeline()
    {
        Tiling = new TilingSection { Size = 1024, Stride = 824 };
        Output = new OutputSection { Formats = ["geojson"] };
    }

    public override string Task => "detection";
    public required DetectionModelSection Model { get; init; }
    public DetectionTrainSection? Train { get; init; }

    public override IReadOnlyList<string> SupportedFormats => OutputSection.VectorFormats;

    internal override void Check(PipelineProblems problems)
    {
        base.Check(problems);
        Model.Check(problems, "model");
        Train?.Check(problems, "train");
    }
}

/// <summary>`model` of detection. Anchor and coder settings are fixed by the architecture; what a user tunes is here.</summary>
public sealed record DetectionModelSection
{
    public required string Backbone { get; init; }
    public required string Head { get; init; }
    /// <summary>In the weights' `fc_cls` order (the reference checkpoint's order is BboxToolkit's, not the DOTA web page's).</summary>
    public required List<string> Classes { get; init; }
    public int FpnChannels { get; init; } = 256;
    /// <summary>Width of the box head's two shared FCs (1024 in the reference; smaller for the nano demo).</summary>
    public int FcChannels { get; init; } = 1024;
    public DetectionRpnSection Rpn { get; init; } = new();
    public DetectionRcnnSection Rcnn { get; init; } = new();
    /// <summary>
    /// Per-class rotated NMS IoU when patch detections are merged into one image. LeMeViT's submitted results used 0.5
    /// (OBBDetection's format_results); DOTA_devkit's ResultMerge uses 0.1.
    /// </summary>
    public double MergeNmsIou { get; init; } = 0.5;

    public static IReadOnlyList<string> HeadNames { get; } = ["oriented-rcnn"];

    internal void Check(PipelineProblems p, string at)
    {
        Pipeline.CheckBackbone(p, Backbone);
        p.OneOf($"{at}.head", Head, HeadNames);
        p.NonEmptyDistinct($"{at}.classes", Classes);
        p.Positive($"{at}.fpn_channels", FpnChannels);
        p.Positive($"{at}.fc_channels", FcChannels);
        Rpn.Check(p, $"{at}.rpn");
        Rcnn.Check(p, $"{at}.rcnn");
        p.Check(MergeNmsIou > 0 && MergeNmsIou <= 1, $"{at}.merge_nms_iou", $"must be in (0, 1] (got {PipelineProblems.Text(MergeNmsIou)})");
    }
}

/// <summary>`model.rpn`: proposals at test time (and train): top pre_nms_top per level, horizontal NMS, best max_proposals overall.</summary>
public sealed record DetectionRpnSection
{
    public int PreNmsTop { get; init; } = 2000;
    public double NmsIou { get; init; } = 0.8;
    public int MaxProposals { get; init; } = 2000;

    internal void Check(PipelineProblems p, string at)
    {
        p.Positive($"{at}.pre_nms_top", PreNmsTop);
        p.Check(NmsIou > 0 && NmsIou <= 1, $"{at}.nms_iou", $"must be in (0, 1] (got {PipelineProblems.Text(NmsIou)})");
        p.Positive($"{at}.max_proposals", MaxProposals);
    }
}

/// <summary>`model.rcnn`: the box head's test settings — score threshold, per-class rotated NMS, detections kept per image.</summary>
public sealed record DetectionRcnnSection
{
    public double ScoreThreshold { get; init; } = 0.05;
    public double NmsIou { get; init; } = 0.1;
    public int MaxPerImage { get; init; } = 2000;

    internal void Check(PipelineProblems p, string at)
    {
        p.Between($"{at}.score_threshold", ScoreThreshold, 0, 1, hiExclusive: true);
        p.Check(NmsIou > 0 && NmsIou <= 1, $"{at}.nms_iou", $"must be in (0, 1] (got {PipelineProblems.Text(NmsIou)})");
        p.Positive($"{at}.max_per_image", MaxPerImage);
    }
}

/// <summary>
/// `train` of detection: the reference 1x recipe — AdamW lr 1e-3, wd 0.05, batch 16, linear warmup of 500 iterations
/// from 0.001×, steps (epochs 8 and 11 of 12: set `schedule.steps` for the dataset's iterations), gradient clipping at 35.
/// </summary>
public sealed record DetectionTrainSection : TrainSection
{
    public DetectionTrainSection()
    {
        WorkDir = "runs/detection";
        BatchSize = 16;
        Optimizer = new OptimizerSection { Lr = 1e-3, WeightDecay = 0.05 };
        Schedule = new ScheduleSection { Type = "step", WarmupIters = 500, WarmupRatio = 1e-3 };
    }

    /// <summary>Gradient norm clip; 0 disables it.</summary>
    public double GradClipNorm { get; init; } = 35;
    public DetectionAugmentSection Augment { get; init; } = new();

    internal override IReadOnlyList<string> ScheduleTypes => ["step", "poly", "cosine"];

    internal override void Check(PipelineProblems p, string at)
    {
        base.Check(p, at);
        p.NotNegative($"{at}.grad_clip_norm", GradClipNorm);
        p.Between($"{at}.augment.horizontal_flip", Augment.HorizontalFlip, 0, 1);
        p.Between($"{at}.augment.vertical_flip", Augment.VerticalFlip, 0, 1);
    }
}

/// <summary>`train.augment` of detection: flips only (the reference's RandomOBBRotate always draws 0°).</summary>
public sealed record DetectionAugmentSection
{
    public double HorizontalFlip { get; init; } = 0.5;
    public double VerticalFlip { get; init; } = 0.5;
}
