namespace GeoDense.Tasks.Pipelines;

/// <summary>`train.optimizer`: AdamW, as every reference recipe uses.</summary>
public sealed record OptimizerSection
{
    public string Type { get; init; } = "adamw";
    public double Lr { get; init; } = 4e-4;
    public double WeightDecay { get; init; } = 0.05;
    public List<double> Betas { get; init; } = [0.9, 0.999];

    public static IReadOnlyList<string> Types { get; } = ["adamw"];

    internal void Check(PipelineProblems p, string at)
    {
        p.OneOf($"{at}.type", Type, Types);
        p.Positive($"{at}.lr", Lr);
        p.NotNegative($"{at}.weight_decay", WeightDecay);
        p.Check(Betas.Count == 2, $"{at}.betas", $"needs two values (got {Betas.Count})");
        foreach (var b in Betas) p.Between($"{at}.betas", b, 0, 1, hiExclusive: true);
    }
}
