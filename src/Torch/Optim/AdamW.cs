using GeoDense.Torch.Native;
using GeoDense.Torch.NN;

namespace GeoDense.Torch.Optim;

/// <summary>torch.optim.AdamW (decoupled weight decay; defaults as PyTorch: lr 1e-3, betas 0.9/0.999,
/// eps 1e-8, weight decay 0.01). State per parameter: exp_avg, exp_avg_sq, step.</summary>
public sealed class AdamW : Optimizer
{
    private sealed class State(Tensor expAvg, Tensor expAvgSq)
    {
        public readonly Tensor ExpAvg = expAvg;
        public readonly Tensor ExpAvgSq = expAvgSq;
        public long Step;
        public Tensor? StepTensor;
    }

    private readonly Dictionary<Parameter, State> _state = new(ReferenceEqualityComparer.Instance);

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public bool Maximize { get; }

    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0.01, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, maximize)
    {
    }

    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0.01, bool maximize = false)
        : base(groups, lr, weightDecay)
    {
        (Beta1, Beta2, Eps, Maximize) = (beta1, beta2, eps, maximize);
    }

    public override void Step()
    {
        foreach (var group in ParamGroups)
        {
            var lr = group.LearningRate!.Value;
            var weightDecay = group.WeightDecay!.Value;
            foreach (var parameter in group.Parameters)
            {
                var state = StateOf(parameter);
                var stepped = Tensor.Checked(NativeMethods.gd_adamw_step(parameter.Handle, state.ExpAvg.Handle,
                    state.ExpAvgSq.Handle, lr, Beta1, Beta2, Eps, weightDecay, state.Step + 1, Maximize ? 1 : 0), parameter, state.ExpAvg, state.ExpAvgSq);
                if (stepped == 1) state.Step++;
            }
        }
    }

    private State StateOf(Parameter parameter)
    {
        if (!_state.TryGetValue(parameter, out var state))
            _state[parameter] = state = new State(NewState(parameter), NewState(parameter));
        return state;
    }

    protected override IEnumerable<KeyValuePair<string, Tensor>> ParameterState(Parameter parameter)
    {
        if (!_state.TryGetValue(parameter, out var state)) yield break;
        state.StepTensor ??= Tensor.FromScalar(0.0).DetachFromScope();
        state.StepTensor.Fill_(state.Step);
        yield return new("step", state.StepTensor);
        yield return new("exp_avg", state.ExpAvg);
        yield return new("exp_avg_sq", state.ExpAvgSq);
    }

    protected override void LoadParameterState(Parameter parameter, IReadOnlyDictionary<string, Tensor> entries)
    {
        var state = StateOf(parameter);
        state.ExpAvg.Copy_(Required(entries, "exp_avg"));
        state.ExpAvgSq.Copy_(Required(entries, "exp_avg_sq"));
        state.Step = (long)Required(entries, "step").Item<double>();
    }

    public override void Dispose()
    {
        foreach (var state in _state.Values)
        {
            state.ExpAvg.Dispose();
            state.ExpAvgSq.Dispose();
            state.StepTensor?.Dispose();
        }
        _state.Clear();
    }
}
