namespace GeoDense.Torch.Schedules;

/// <summary>
/// timm's single-cycle cosine schedule: lr = min + (base - min) * (1 + cos(pi * t / total)) / 2, reaching
/// <see cref="MinLr"/> at <see cref="TotalIterations"/> and staying there. During the first
/// <see cref="WarmupIterations"/> the lr instead rises linearly from <see cref="WarmupInitLr"/> towards base.
/// With <see cref="WarmupPrefix"/> the cosine starts after the warmup (t counts from its end), otherwise
/// the warmup overlays the cosine's first iterations (timm's default).
/// </summary>
public sealed record CosineLr(
    double BaseLr, long TotalIterations, double MinLr = 0.0,
    long WarmupIterations = 0, double WarmupInitLr = 0.0, bool WarmupPrefix = false) : ILearningRateSchedule
{
    public double At(long iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        if (iteration < WarmupIterations)
            return WarmupInitLr + iteration * (BaseLr - WarmupInitLr) / WarmupIterations;
        long t = WarmupPrefix ? iteration - WarmupIterations : iteration;
        if (t >= TotalIterations) return MinLr;
        return MinLr + 0.5 * (BaseLr - MinLr) * (1.0 + Math.Cos(Math.PI * t / TotalIterations));
    }
}
