using System.Diagnostics;
using GeoDense.Torch;
using GeoDense.Torch.Schedules;

namespace GeoDense.Tasks.Training;

/// <summary>
/// The one training loop of every task. Per iteration: re-seed libtorch's generator from (seed, iteration) so
/// dropout and drop-path masks are a function of the iteration, set the learning rate (a function of the
/// iteration), let the task step, log. Validation, checkpoints and progress follow the plan. A resumed run continues
/// after the newest complete checkpoint and reproduces the uninterrupted run's weights exactly (the task draws its
/// batch from (seed, iteration) too). Cancellation stops between iterations, saves a checkpoint of what finished
/// and throws <see cref="TrainingInterruptedException"/> saying so.
/// </summary>
public sealed class TrainingLoop(string workDir, TrainingPlan plan, ILearningRateSchedule schedule,
    Action<TrainingProgress>? progress = null, TextWriter? log = null)
{
    public const string WeightsFile = "latest.safetensors";

    readonly TextWriter log = log ?? TextWriter.Null;

    static string Describe(ITrainingMetrics metrics) => string.Join("  ", metrics.Scalars.Select(s => $"{s.Key} {s.Value:F4}"));

    public TrainingResult<TMetrics> Run<TMetrics>(Func<ITrainingTask<TMetrics>> createTask, bool resume, CancellationToken cancellationToken = default)
        where TMetrics : class, ITrainingMetrics
    {
        Directory.CreateDirectory(workDir);
        var checkpoints = new CheckpointStore(workDir);
        var latest = checkpoints.Latest();
        if (resume && latest is null)
            throw new Pipelines.PipelineInputException($"{workDir}: --resume, but there is no complete checkpoint in {checkpoints.Directory}; start without --resume");
        if (!resume && latest is not null)
            throw new Pipelines.PipelineInputException(
                $"{workDir}: already holds a training run (checkpoint after {latest.Iterations} iterations); continue it with --resume, or choose another work directory");

        if (resume && latest!.Iterations > plan.Iterations)
            throw new Pipelines.PipelineInputException(
                $"{latest.Model}: the checkpoint is after {latest.Iterations} iterations, past train.iterations {plan.Iterations}; raise train.iterations to continue");
        // weight initialisation repeats run to run
        TorchRuntime.ManualSeed(CounterRandom.Seed(plan.Seed, TrainingStream.Initialisation, 0));
        using var task = createTask();
        long start = 0;
        if (resume)
        {
            CheckpointStore.Restore(latest!, task.Model, task.Optimizer);
            start = latest!.Iterations;
            log.WriteLine($"resumed from {latest.Model} at iteration {start}");
        }
        var logs = new TrainingLogs<TMetrics>(workDir, start, task.LossNames, log);
        var last = logs.LastValidation;
        long savedAt = start;
        // a run stopped during (or right after) a validation resumes without it: run it first, so the logs and the
        // result hold every validation the plan asks for
        if (start > 0 && task.CanValidate && IsValidationPoint(start) && logs.LastValidationIteration != start - 1)
            last = ValidateAfter(start);
        var clock = Stopwatch.StartNew();
        task.Model.Train();
        for (long it = start; it < plan.Iterations; it++)
        {
            if (cancellationToken.IsCancellationRequested) throw Interrupt(it, ref savedAt);
            TorchRuntime.ManualSeed(CounterRandom.Seed(plan.Seed, TrainingStream.Torch, it));
            double lr = schedule.At(it);
            var losses = task.Step(it, lr);
            logs.Train(it, lr, losses, clock.Elapsed.TotalSeconds);
            long done = it + 1;
            bool final = done == plan.Iterations;
            TMetrics? metrics = null;
            if (task.CanValidate && IsValidationPoint(done))
            {
                task.Model.Eval();
                try { metrics = task.Validate(cancellationToken); }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw Interrupt(done, ref savedAt); }
                finally { task.Model.Train(); }
            }
            // the checkpoint comes before the logs: a failure while logging must never cost the finished work
            if (done % plan.CheckpointEvery == 0 || final)
            {
                checkpoints.Save(done, task.Model, task.Optimizer, task.WeightsMetadata);
                savedAt = done;
            }
            if (metrics is not null)
            {
                logs.Validation(it, metrics);
                last = metrics;
                log.WriteLine($"iteration {done}: {Describe(metrics)}");
            }
            if (done % plan.LogEvery == 0 || final || done == start + 1)
                progress?.Invoke(new TrainingProgress(done, plan.Iterations, losses[0], lr, (done - start) / Math.Max(1e-9, clock.Elapsed.TotalSeconds),
                    last?.Scalars.FirstOrDefault().Key, last?.Scalars.FirstOrDefault().Value));
        }
        logs.Finish();
        var weights = Path.Combine(workDir, WeightsFile);
        CheckpointStore.WriteWeights(weights, task.Model, task.WeightsMetadata, plan.Iterations);
        return new TrainingResult<TMetrics>(weights, last, plan.Iterations);

        bool IsValidationPoint(long done) => done % plan.ValidateEvery == 0 || done == plan.Iterations;

        TMetrics ValidateAfter(long done)
        {
            TMetrics metrics;
            task.Model.Eval();
            try { metrics = task.Validate(cancellationToken); }
            finally { task.Model.Train(); }
            logs.Validation(done - 1, metrics);
            log.WriteLine($"iteration {done}: {Describe(metrics)}");
            return metrics;
        }

        TrainingInterruptedException Interrupt(long completed, ref long saved)
        {
            if (completed > saved)
            {
                checkpoints.Save(completed, task.Model, task.Optimizer, task.WeightsMetadata);
                saved = completed;
            }
            logs.Finish();
            return new TrainingInterruptedException(completed == 0
                ? "training interrupted before the first iteration; nothing was saved"
                : $"training interrupted after iteration {completed} of {plan.Iterations}; checkpoint saved in {checkpoints.Directory}; run again with --resume to continue");
        }
    }
}
