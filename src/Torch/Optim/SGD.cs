using GeoDense.Torch.Native;
using GeoDense.Torch.NN;

namespace GeoDense.Torch.Optim;

/// <summary>torch.optim.SGD: momentum, dampening, nesterov, L2 weight decay. State per parameter
/// (with momentum): momentum_buffer.</summary>
public sealed class SGD : Optimizer
{
    private sealed class State(Tensor buffer)
    {
        public readonly Tensor Buffer = buffer;
        public bool HasHistory;
    }

    private readonly Dictionary<Parameter, State> _state = new(ReferenceEqualityComparer.Instance);

    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }
    public bool Maximize { get; }

    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : base(groups, lr, weightDecay)
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        (Momentum, Dampening, Nesterov, Maximize) = (momentum, dampening, nesterov, maximize);
    }

    public override void Step()
    {
        foreach (var group in ParamGroups)
        {
            var lr = group.LearningRate!.Value;
            var weightDecay = group.WeightDecay!.Value;
            foreach (var parameter in group.Parameters)
            {
                var state = Momentum != 0 ? StateOf(parameter) : null;
                var stepped = Tensor.Checked(NativeMethods.gd_sgd_step(parameter.Handle, Tensor.H(state?.Buffer), lr, Momentum,
                    Dampening, weightDecay, Nesterov ? 1 : 0, state is { HasHistory: false } ? 1 : 0, Maximize ? 1 : 0), parameter, state?.Buffer);
                if (stepped == 1 && state is not null) state.HasHistory = true;
            }
        }
    }

    private State StateOf(Parameter parameter)
    {
        if (!_state.TryGetValue(parameter, out var state))
            _state[parameter] = state = new State(NewState(parameter));
        return state;
    }

    protected override IEnumerable<KeyValuePair<string, Tensor>> ParameterState(Parameter parameter)
    {
        if (_state.TryGetValue(parameter, out var state) && state.HasHistory)
            yield return new("momentum_buffer", state.Buffer);
    }

    protected override void LoadParameterState(Parameter parameter, IReadOnlyDictionary<string, Tensor> entries)
    {
        var state = StateOf(parameter);
        state.Buffer.Copy_(Required(entries, "momentum_buffer"));
        state.HasHistory = true;
    }

    public override void Dispose()
    {
        foreach (var state in _state.Values) state.Buffer.Dispose();
        _state.Clear();
    }
}
