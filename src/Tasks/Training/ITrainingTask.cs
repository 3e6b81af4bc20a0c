using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;

namespace GeoDense.Tasks.Training;

/// <summary>Validation metrics a task reports; the first scalar is the one the curves and progress line show.</summary>
public interface ITrainingMetrics
{
    IReadOnlyList<KeyValuePair<string, double>> Scalars { get; }
}

/// <summary>
/// One task's part of training (segmentation, classification, later detection and change). The
/// <see cref="TrainingLoop"/> owns everything else: iterations, learning rate, seeding, checkpoints and resume,
/// validation schedule, logs, curves, progress and cancellation.
/// </summary>
public interface ITrainingTask<TMetrics> : IDisposable where TMetrics : ITrainingMetrics
{
    Module Model { get; }
    Optimizer Optimizer { get; }

    /// <summary>Names of the values <see cref="Step"/> returns; the first is the total loss that is optimised.</summary>
    IReadOnlyList<string> LossNames { get; }

    /// <summary>
    /// One optimizer step on the batch of <paramref name="iteration"/>. The batch must depend only on (train.seed,
    /// iteration), so a resumed run sees what the uninterrupted run saw (use <see cref="CounterRandom"/>).
    /// </summary>
    IReadOnlyList<double> Step(long iteration, double learningRate);

    /// <summary>Whether the pipeline has validation data.</summary>
    bool CanValidate { get; }

    TMetrics Validate(CancellationToken cancellationToken);

    /// <summary>Metadata written into every weights file (the pipeline, input statistics), so a file describes itself.</summary>
    IReadOnlyDictionary<string, string> WeightsMetadata { get; }
}
