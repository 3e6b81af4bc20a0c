namespace GeoDense.Tasks.Pipelines;

/// <summary>`task: classification` — scene classification, the way LeMeViT and LIT are pre-trained; writes no raster outputs.</summary>
public sealed record ClassificationPipeline : Pipeline
{
    public ClassificationPipeline() => Output = new OutputSection { Formats = [] };

    public override string Task => "classification";
    public required ClassificationModelSection Model { get; init; }
    public ClassificationTrainSection? Train { get; init; }

    public override IReadOnlyList<string> SupportedFormats => [];

    internal override void Check(PipelineProblems problems)
    {
        base.Check(problems);
        Model.Check(problems, "model");
        Train?.Check(problems, "train");
    }
}

/// <summary>`model` of scene classification: a catalog backbone's classifier (LeMeViT or LIT: pooled tokens + a linear head).</summary>
public sealed record ClassificationModelSection
{
    public required string Backbone { get; init; }
    public required string Head { get; init; }
    /// <summary>Class names in the head's order; the training folders' sub-folders carry these names.</summary>
    public required List<string> Classes { get; init; }

    public static IReadOnlyList<string> HeadNames { get; } = ["linear"];

    internal void Check(PipelineProblems p, string at)
    {
        Pipeline.CheckBackbone(p, Backbone);
        p.OneOf($"{at}.head", Head, HeadNames);
        p.NonEmptyDistinct($"{at}.classes", Classes);
    }
}

/// <summary>`train` of classification: a scaled-down DeiT-style recipe (AdamW, cosine with warmup).</summary>
public sealed record ClassificationTrainSection : TrainSection
{
    public ClassificationTrainSection()
    {
        WorkDir = "runs/classification";
        Iterations = 1000;
        BatchSize = 32;
        Optimizer = new OptimizerSection { Lr = 1e-3 };
        Schedule = new ScheduleSection { Type = "cosine", WarmupIters = 50, MinLr = 1e-5 };
        CheckpointEvery = 200;
        ValidateEvery = 200;
        LogEvery = 20;
    }

    public ClassificationAugmentSection Augment { get; init; } = new();

    internal override void Check(PipelineProblems p, string at)
    {
        base.Check(p, at);
        p.Positive($"{at}.augment.crop_size", Augment.CropSize);
    }
}

/// <summary>`train.augment` of classification: random resized crops (to the model's input size) with flips and 90° turns.</summary>
public sealed record ClassificationAugmentSection
{
    /// <summary>The model's input size.</summary>
    public int CropSize { get; init; } = 224;
}
