using GeoDense.Tasks.Pipelines;
using GeoDense.Torch.Schedules;

namespace GeoDense.Tasks.Training;

/// <summary>The learning-rate schedule a pipeline's `train.schedule` names (poly or cosine, with linear warmup).</summary>
public static class Schedules
{
    public static ILearningRateSchedule For(TrainSection t)
    {
        var s = t.Schedule;
        var warmup = s.WarmupIters > 0 ? new LinearWarmup(s.WarmupIters, s.WarmupRatio) : null;
        return s.Type == "cosine"
            ? new CosineLr(t.Optimizer.Lr, t.Iterations, s.MinLr, s.WarmupIters, t.Optimizer.Lr * s.WarmupRatio)
            : new PolyLr(t.Optimizer.Lr, t.Iterations, s.Power, s.MinLr, warmup);
    }
}
