namespace GeoDense.Torch.Schedules;

/// <summary>
/// Multi-step decay: lr = base * gamma^(number of milestones reached), as torch's MultiStepLR and mmcv's
/// step policy; optionally under a <see cref="LinearWarmup"/>.
/// </summary>
public sealed record StepLr(double BaseLr, IReadOnlyList<long> Milestones, double Gamma = 0.1, LinearWarmup? Warmup = null)
    : ILearningRateSchedule
{
    public double At(long iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        int reached = Milestones.Count(m => iteration >= m);
        double regular = BaseLr * Math.Pow(Gamma, reached);
        return Warmup?.Apply(iteration, regular) ?? regular;
    }
}
