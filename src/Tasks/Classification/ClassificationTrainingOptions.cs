using GeoDense.Backbones;
using GeoDense.Torch;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Classification;

/// <summary>
/// Everything scene-classification training needs (the way LeMeViT and LIT are pre-trained). Defaults follow the
/// reference recipe (DeiT-style: AdamW, cosine schedule with warmup, label smoothing 0.1), scaled down.
/// </summary>
public sealed record ClassificationTrainingOptions
{
    /// <summary>Any catalog backbone (<see cref="BackboneCatalog"/>); its head size and bands are set from the data.</summary>
    public required BackboneArch Backbone { get; init; }
    public required string TrainRoot { get; init; }
    /// <summary>Validation folder (same class folders); null validates on nothing.</summary>
    public string? ValRoot { get; init; }
    /// <summary>Class names (folder names); empty means every sub-folder of <see cref="TrainRoot"/>.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    public IReadOnlyList<int> Bands { get; init; } = [1, 2, 3];
    public float[] Mean { get; init; } = [123.675f, 116.28f, 103.53f];
    public float[] Std { get; init; } = [58.395f, 57.12f, 57.375f];
    public int ImageSize { get; init; } = 224;
    public double MinCropScale { get; init; } = 0.35;
    public int Iterations { get; init; } = 1000;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public double MinLearningRate { get; init; } = 1e-5;
    public double WeightDecay { get; init; } = 0.05;
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);
    public int WarmupIterations { get; init; } = 50;
    public double LabelSmoothing { get; init; } = 0.1;
    public int ValidateEvery { get; init; } = 200;
    public int CheckpointEvery { get; init; } = 200;
    public int LogEvery { get; init; } = 20;
    public string WorkDir { get; init; } = "runs/classification";
    public int Seed { get; init; }
    /// <summary>Where the model trains (the pipeline's `device`, resolved).</summary>
    public Device Device { get; init; } = Device.Cpu;
    /// <summary>Backbone or classifier weights loaded before training (head skipped when its classes differ).</summary>
    public string? Pretrained { get; init; }

    /// <summary>Reads a `task: classification` pipeline (SPEC §6): model.backbone/classes, input bands/mean/std,
    /// train.data (format folder) and train.val, train.augment.crop_size as the image size, optimizer, schedule.</summary>
    public static ClassificationTrainingOptions FromPipeline(ClassificationPipeline pipeline, string source)
    {
        var train = pipeline.Train ?? throw new ClassificationInputException($"{source}: no `train` section");
        foreach (var (name, data) in new[] { ("train.data", (DataSection?)train.Data), ("train.val", train.Val) })
            if (data is not null && data.Format != "folder")
                throw new ClassificationInputException($"{source}: {name}.format is '{data.Format}'; classification reads `folder` data (one sub-folder per class)");
        var backbone = BackboneCatalog.TryResolve(pipeline.Model.Backbone)
            ?? throw new ClassificationInputException($"{source}: model.backbone '{pipeline.Model.Backbone}' is not one of {string.Join(", ", BackboneCatalog.ArchNames)}");
        if (pipeline.Optimizer() is not "adamw")
            throw new ClassificationInputException($"{source}: train.optimizer.type '{train.Optimizer.Type}' is not supported for classification; use adamw");
        if (train.Schedule.Type != "cosine")
            throw new ClassificationInputException($"{source}: train.schedule.type '{train.Schedule.Type}': classification trains with a cosine schedule (timm's recipe); use cosine");
        // Relative paths are relative to the working directory, as in the other tasks' pipelines.
        static string Resolve(string p) => Path.GetFullPath(p);
        return new ClassificationTrainingOptions
        {
            Backbone = backbone,
            TrainRoot = Resolve(train.Data.Root),
            ValRoot = train.Val is { } val ? Resolve(val.Root) : null,
            Classes = pipeline.Model.Classes,
            Bands = pipeline.Input.Bands,
            Mean = [.. pipeline.Input.Mean],
            Std = [.. pipeline.Input.Std],
            ImageSize = train.Augment.CropSize,
            Iterations = train.Iterations,
            BatchSize = train.BatchSize,
            LearningRate = train.Optimizer.Lr,
            MinLearningRate = train.Schedule.MinLr,
            WeightDecay = train.Optimizer.WeightDecay,
            Betas = (train.Optimizer.Betas.ElementAtOrDefault(0) is var b1 && b1 > 0 ? b1 : 0.9,
                     train.Optimizer.Betas.ElementAtOrDefault(1) is var b2 && b2 > 0 ? b2 : 0.999),
            WarmupIterations = train.Schedule.WarmupIters,
            ValidateEvery = train.ValidateEvery,
            CheckpointEvery = train.CheckpointEvery,
            LogEvery = train.LogEvery,
            WorkDir = Resolve(train.WorkDir),
            Seed = train.Seed,
            Pretrained = train.Pretrained is { } p ? Resolve(p) : null,
        };
    }
}

internal static class PipelineExtensions
{
    public static string Optimizer(this ClassificationPipeline pipeline) => pipeline.Train!.Optimizer.Type.ToLowerInvariant();
}
