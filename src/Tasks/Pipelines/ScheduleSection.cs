namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// `train.schedule`: the learning rate as a function of the iteration, after a linear warmup from lr × warmup_ratio.
/// poly (mmseg) and cosine decay to min_lr; step multiplies by gamma at each of `steps` (the detection recipe).
/// </summary>
public sealed record ScheduleSection
{
    public string Type { get; init; } = "poly";
    public int WarmupIters { get; init; } = 1500;
    public double WarmupRatio { get; init; } = 1e-6;
    public double Power { get; init; } = 1.0;
    public double MinLr { get; init; }
    /// <summary>step: the iterations at which the rate is multiplied by <see cref="Gamma"/>.</summary>
    public List<int> Steps { get; init; } = [];
    public double Gamma { get; init; } = 0.1;

    internal void Check(PipelineProblems p, string at, IReadOnlyList<string> types, int iterations)
    {
        p.OneOf($"{at}.type", Type, types);
        p.Check(WarmupIters >= 0 && WarmupIters < Math.Max(1, iterations), $"{at}.warmup_iters",
            $"must be in [0, iterations = {iterations}) (got {WarmupIters})");
        p.Check(WarmupRatio > 0 && WarmupRatio <= 1, $"{at}.warmup_ratio", $"must be in (0, 1] (got {PipelineProblems.Text(WarmupRatio)})");
        p.Positive($"{at}.power", Power);
        p.NotNegative($"{at}.min_lr", MinLr);
        p.Check(Gamma > 0 && Gamma <= 1, $"{at}.gamma", $"must be in (0, 1] (got {PipelineProblems.Text(Gamma)})");
        if (Type == "step" && types.Contains("step"))
        {
            p.Check(Steps.Count > 0, $"{at}.steps", "must list the iterations where the rate drops");
            p.Check(Steps.SequenceEqual(Steps.Order().Distinct()), $"{at}.steps", "must increase");
            foreach (var s in Steps) p.Check(s > 0 && s < iterations, $"{at}.steps", $"must be in [1, iterations = {iterations}) (got {s})");
        }
    }
}
