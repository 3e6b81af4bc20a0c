namespace GeoDense.Torch.Schedules;

/// <summary>
/// mmseg's poly schedule: lr = (base - min) * (1 - it/max)^power + min, optionally under a <see cref="LinearWarmup"/>.
/// Iterations past <see cref="MaxIterations"/> stay at <see cref="MinLr"/>.
/// </summary>
public sealed record PolyLr(double BaseLr, long MaxIterations, double Power = 1.0, double MinLr = 0.0, LinearWarmup? Warmup = null)
    : ILearningRateSchedule
{
    public double At(long iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        double progress = Math.Min(iteration, MaxIterations) / (double)MaxIterations;
        double regular = (BaseLr - MinLr) * Math.Pow(1.0 - progress, Power) + MinLr;
        return Warmup?.Apply(iteration, regular) ?? regular;
    }
}
