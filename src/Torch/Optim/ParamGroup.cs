using GeoDense.Torch.NN;

namespace GeoDense.Torch.Optim;

/// <summary>
/// Parameters that share hyper-parameters (torch.optim param_groups). Options left null take the
/// optimizer's defaults. <see cref="LrScale"/> multiplies the rate set by
/// <see cref="Optimizer.SetLearningRate"/> (mmseg-style lr_mult), so one schedule drives all groups.
/// </summary>
public sealed class ParamGroup(IEnumerable<Parameter> parameters)
{
    public IReadOnlyList<Parameter> Parameters { get; } = parameters.ToList();
    public double? LearningRate { get; set; }
    public double? WeightDecay { get; set; }
    public double LrScale { get; init; } = 1.0;
}
