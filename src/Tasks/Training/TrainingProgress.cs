namespace GeoDense.Tasks.Training;

/// <summary>Where training stands, for progress lines: the last loss, learning rate and validation metric.</summary>
public sealed record TrainingProgress(long Iteration, long Iterations, double Loss, double LearningRate, double IterationsPerSecond,
    string? MetricName, double? LastMetric);

/// <summary>The final weights and the newest validation (a resumed run reads it back from the logs).</summary>
public sealed record TrainingResult<TMetrics>(string Weights, TMetrics? Validation, long Iterations) where TMetrics : class;

/// <summary>How long to train and how often to log, validate and checkpoint.</summary>
public sealed record TrainingPlan(long Iterations, int CheckpointEvery, int ValidateEvery, int LogEvery, long Seed);

/// <summary>Training was stopped (Ctrl-C, SIGTERM, cancellation); the message says what was saved.</summary>
public sealed class TrainingInterruptedException(string message) : OperationCanceledException(message);
