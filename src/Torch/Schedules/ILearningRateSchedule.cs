namespace GeoDense.Torch.Schedules;

/// <summary>A learning rate as a pure function of the (0-based) iteration, so training can resume anywhere.</summary>
public interface ILearningRateSchedule
{
    double At(long iteration);
}
