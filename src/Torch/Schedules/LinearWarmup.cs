namespace GeoDense.Torch.Schedules;

/// <summary>
/// mmcv's linear warmup: during the first <see cref="Iterations"/> the scheduled lr is scaled by a factor
/// rising linearly from <see cref="Ratio"/> (at iteration 0) towards 1.
/// </summary>
public sealed record LinearWarmup(long Iterations, double Ratio = 1e-6)
{
    public double Apply(long iteration, double regularLr)
    {
        if (iteration >= Iterations) return regularLr;
        double k = (1.0 - (double)iteration / Iterations) * (1.0 - Ratio);
        return regularLr * (1.0 - k);
    }
}
