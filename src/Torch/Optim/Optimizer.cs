using GeoDense.Torch.NN;

namespace GeoDense.Torch.Optim;

/// <summary>
/// Base of the optimizers: parameter groups, per-parameter state kept as tensors (so it can be
/// checkpointed), and one native call per parameter per step. Dispose frees the state.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups;

    protected Optimizer(IEnumerable<ParamGroup> groups, double learningRate, double weightDecay)
    {
        _groups = groups.ToList();
        if (_groups.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter group");
        foreach (var group in _groups)
        {
            group.LearningRate ??= learningRate * group.LrScale;
            group.WeightDecay ??= weightDecay;
        }
    }

    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>All parameters in group order (the indices used by the state dict).</summary>
    protected IEnumerable<(ParamGroup Group, Parameter Parameter, int Index)> Indexed()
    {
        var index = 0;
        foreach (var group in _groups)
            foreach (var parameter in group.Parameters)
                yield return (group, parameter, index++);
    }

    /// <summary>Sets every group's rate to <paramref name="learningRate"/> × its <see cref="ParamGroup.LrScale"/>.</summary>
    public void SetLearningRate(double learningRate)
    {
        foreach (var group in _groups) group.LearningRate = learningRate * group.LrScale;
    }

    /// <summary>The first group's current rate.</summary>
    public double LearningRate => _groups[0].LearningRate!.Value;

    /// <summary>Clears all gradients (set to None, PyTorch's default).</summary>
    public void ZeroGrad()
    {
        foreach (var group in _groups)
            foreach (var parameter in group.Parameters)
                parameter.Grad = null;
    }

    /// <summary>Updates every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>
    /// Optimizer state as named tensors, keyed like PyTorch's <c>state</c> entries:
    /// <c>state.{index}.{name}</c> with index = position in group order. The tensors are the
    /// optimizer's own (do not dispose).
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (_, parameter, index) in Indexed())
            foreach (var (name, tensor) in ParameterState(parameter))
                result[$"state.{index}.{name}"] = tensor;
        return result;
    }

    /// <summary>Restores state saved by <see cref="StateDict"/> (values copied in). Keys for parameters
    /// without state are ignored; entries this optimizer does not know throw.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var parameters = Indexed().ToDictionary(p => p.Index, p => p.Parameter);
        var grouped = new Dictionary<int, Dictionary<string, Tensor>>();
        foreach (var (key, tensor) in stateDict)
        {
            var parts = key.Split('.');
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], out var index) || !parameters.ContainsKey(index))
                throw new ArgumentException($"optimizer state key '{key}' does not name a parameter of this optimizer (expected state.<index>.<name>)");
            if (!grouped.TryGetValue(index, out var entries)) grouped[index] = entries = [];
            entries[parts[2]] = tensor;
        }
        foreach (var (index, entries) in grouped) LoadParameterState(parameters[index], entries);
    }

    protected abstract IEnumerable<KeyValuePair<string, Tensor>> ParameterState(Parameter parameter);
    protected abstract void LoadParameterState(Parameter parameter, IReadOnlyDictionary<string, Tensor> entries);

    /// <summary>A zero tensor shaped like the parameter, owned by the optimizer (not by any scope).</summary>
    protected static Tensor NewState(Parameter parameter)
    {
        using var _ = TorchRuntime.NoGrad();
        return Tensor.ZerosLike(parameter).DetachFromScope();
    }

    protected static Tensor Required(IReadOnlyDictionary<string, Tensor> entries, string name) =>
        entries.TryGetValue(name, out var t) ? t : throw new ArgumentException($"optimizer state lacks '{name}'");

    public abstract void Dispose();
}
