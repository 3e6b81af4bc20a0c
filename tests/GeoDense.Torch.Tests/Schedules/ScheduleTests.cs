using GeoDense.Torch.Schedules;

namespace GeoDense.Torch.Tests.Schedules;

public class ScheduleTests
{
    private const double Tolerance = 1e-15;

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 0.75)]
    [InlineData(2, 0.5)]
    [InlineData(4, 0.0)]
    [InlineData(9, 0.0)]
    public void LinearPolyDecaysToZero(long iteration, double expected) =>
        Assert.Equal(expected, new PolyLr(BaseLr: 1.0, MaxIterations: 4).At(iteration), Tolerance);

    [Fact]
    public void PolyWithMinLrAndMmcvWarmup()
    {
        // mmseg's common setting: poly, power 0.9, min_lr 1e-4, linear warmup with ratio 1e-6.
        var schedule = new PolyLr(BaseLr: 0.01, MaxIterations: 100, Power: 0.9, MinLr: 1e-4, Warmup: new LinearWarmup(10));
        // it 0: regular lr 0.01, warmup factor 1 - (1 - 0/10)(1 - 1e-6) = 1e-6.
        Assert.Equal(1e-8, schedule.At(0), 1e-16);
        // it 5: regular 0.0099 * 0.95^0.9 + 1e-4, factor 1 - 0.5 * (1 - 1e-6).
        Assert.Equal(0.0047766874157090635, schedule.At(5), Tolerance);
        // From the end of warmup on, the plain poly value: 0.0099 * 0.9^0.9 + 1e-4, then 0.0099 * 0.5^0.9 + 1e-4.
        Assert.Equal(0.009104372503221327, schedule.At(10), Tolerance);
        Assert.Equal(0.005405278639554652, schedule.At(50), Tolerance);
        Assert.Equal(1e-4, schedule.At(100), Tolerance);
        Assert.Equal(1e-4, schedule.At(250), Tolerance);
    }

    [Fact]
    public void WarmupRisesLinearlyBetweenRatioAndOne()
    {
        var warmup = new LinearWarmup(Iterations: 4, Ratio: 0.2);
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0, 1.0], Enumerable.Range(0, 6).Select(i => Math.Round(warmup.Apply(i, 1.0), 12)));
    }

    [Fact]
    public void CosineFollowsTimmWithoutWarmup()
    {
        var schedule = new CosineLr(BaseLr: 1.0, TotalIterations: 10, MinLr: 0.1);
        Assert.Equal(1.0, schedule.At(0), Tolerance);
        Assert.Equal(0.55, schedule.At(5), Tolerance);        // cos(pi/2) = 0: halfway between base and min
        Assert.Equal(0.1, schedule.At(10), Tolerance);
        Assert.Equal(0.1, schedule.At(12), Tolerance);
    }

    [Fact]
    public void CosineWarmupOverlaysOrPrefixesTheCycle()
    {
        var overlay = new CosineLr(BaseLr: 1.0, TotalIterations: 10, MinLr: 0.1, WarmupIterations: 2, WarmupInitLr: 0.0);
        Assert.Equal(0.0, overlay.At(0), Tolerance);
        Assert.Equal(0.5, overlay.At(1), Tolerance);
        Assert.Equal(0.9140576474687263, overlay.At(2), Tolerance); // 0.1 + 0.45 (1 + cos(0.2 pi))

        var prefix = overlay with { WarmupPrefix = true };
        Assert.Equal(0.5, prefix.At(1), Tolerance);
        Assert.Equal(1.0, prefix.At(2), Tolerance);
        Assert.Equal(0.55, prefix.At(7), Tolerance);
        Assert.Equal(0.1, prefix.At(12), Tolerance);
    }

    [Fact]
    public void StepDecaysAtEachMilestone()
    {
        var schedule = new StepLr(BaseLr: 0.1, Milestones: [3, 6], Gamma: 0.1);
        Assert.Equal([0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001], Enumerable.Range(0, 8).Select(i => Math.Round(schedule.At(i), 15)));
    }

    [Fact]
    public void StepWithWarmupScalesTheFirstIterations()
    {
        var schedule = new StepLr(BaseLr: 0.1, Milestones: [3], Gamma: 0.5, Warmup: new LinearWarmup(Iterations: 2, Ratio: 0.5));
        Assert.Equal(0.05, schedule.At(0), Tolerance);
        Assert.Equal(0.075, schedule.At(1), Tolerance);
        Assert.Equal(0.1, schedule.At(2), Tolerance);
        Assert.Equal(0.05, schedule.At(3), Tolerance);
    }

    [Fact]
    public void NegativeIterationsAreRejected()
    {
        ILearningRateSchedule[] schedules = [new PolyLr(1, 10), new CosineLr(1, 10), new StepLr(1, [5])];
        Assert.All(schedules, s => Assert.Throws<ArgumentOutOfRangeException>(() => s.At(-1)));
    }
}
