namespace GeoDense.Torch.NN;

/// <summary>
/// Batch normalisation over NCHW. Keys: weight, bias, running_mean, running_var, num_batches_tracked.
/// Training mode normalises with batch statistics and updates the running ones
/// (running = (1-momentum)·running + momentum·batch, unbiased variance); eval mode uses the running ones.
/// Momentum null means a cumulative average (1 / num_batches_tracked), as in PyTorch.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    public long NumFeatures { get; }
    public double Eps { get; }
    public double? Momentum { get; }
    public bool TrackRunningStats { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }
    public Tensor? NumBatchesTracked { get; }

    public BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        (NumFeatures, Eps, Momentum, TrackRunningStats) = (numFeatures, eps, momentum, trackRunningStats);
        using var scope = TorchRuntime.NewScope();
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], ScalarType.Int64));
        }
    }

    public override Tensor Forward(Tensor input)
    {
        var momentum = Momentum ?? 0.0;
        if (Training && TrackRunningStats)
        {
            NumBatchesTracked!.Add_(1);
            if (Momentum is null) momentum = 1.0 / NumBatchesTracked.Item<long>();
        }
        // Without running stats there is nothing else to normalise with, even in eval mode.
        var useBatchStats = Training || RunningMean is null;
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStats, momentum, Eps);
    }
}
