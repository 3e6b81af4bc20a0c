namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// `train`: what every task's training shares. The task records derive from it, add their `augment` section and set
/// their reference recipe's defaults in their constructors.
/// </summary>
public abstract record TrainSection
{
    public required DataSection Data { get; init; }
    /// <summary>Validation split; none validates nothing.</summary>
    public DataSection? Val { get; init; }
    public int Iterations { get; init; } = 80000;
    public int BatchSize { get; init; } = 8;
    public OptimizerSection Optimizer { get; init; } = new();
    public ScheduleSection Schedule { get; init; } = new();
    public int CheckpointEvery { get; init; } = 8000;
    public int ValidateEvery { get; init; } = 8000;
    public int LogEvery { get; init; } = 50;
    public string WorkDir { get; init; } = "runs";
    public int Seed { get; init; }
    /// <summary>Optional backbone checkpoint (.pth or .safetensors) loaded before training.</summary>
    public string? Pretrained { get; init; }

    /// <summary>Schedule types this task's trainer runs.</summary>
    internal virtual IReadOnlyList<string> ScheduleTypes => ["poly", "cosine"];

    internal virtual void Check(PipelineProblems p, string at)
    {
        Data.Check(p, $"{at}.data");
        Val?.Check(p, $"{at}.val");
        p.Positive($"{at}.iterations", Iterations);
        p.Positive($"{at}.batch_size", BatchSize);
        p.Positive($"{at}.checkpoint_every", CheckpointEvery);
        p.Positive($"{at}.validate_every", ValidateEvery);
        p.Positive($"{at}.log_every", LogEvery);
        p.NotNegative($"{at}.seed", Seed);
        p.Check(WorkDir.Length > 0, $"{at}.work_dir", "must not be empty");
        Optimizer.Check(p, $"{at}.optimizer");
        Schedule.Check(p, $"{at}.schedule", ScheduleTypes, Iterations);
    }
}
