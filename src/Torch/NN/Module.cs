namespace GeoDense.Torch.NN;

/// <summary>
/// Base of every layer and model (torch.nn.Module). Subclasses register parameters, buffers and
/// children explicitly under their PyTorch attribute names, in the order PyTorch would create them;
/// <see cref="StateDict"/> then yields PyTorch's keys in PyTorch's order (own parameters, own persistent
/// buffers, then children depth-first). Forward methods are plain methods on subclasses; derive from
/// <see cref="Module{TIn,TOut}"/> to be usable inside <see cref="Sequential"/>.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Parameter>> _parameters = [];
    private readonly List<(string Name, Tensor Tensor, bool Persistent)> _buffers = [];
    private readonly List<KeyValuePair<string, Module>> _children = [];
    private bool _disposed;

    public bool Training { get; private set; } = true;

    // ---- registration -------------------------------------------------------------------------------

    /// <summary>Registers a parameter (a <see cref="Parameter"/> is kept as is; any other tensor becomes one).</summary>
    protected Parameter RegisterParameter(string name, Tensor data, bool requiresGrad = true)
    {
        CheckName(name);
        var parameter = data as Parameter ?? new Parameter(data, requiresGrad);
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Registers a buffer (running stats, ...). The module takes ownership; it leaves any dispose scope.
    /// Non-persistent buffers are not part of the state dict.</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor, bool persistent = true)
    {
        CheckName(name);
        tensor.DetachFromScope();
        _buffers.Add((name, tensor, persistent));
        return tensor;
    }

    /// <summary>Registers a child module under its attribute name (e.g. "attn", "0").</summary>
    protected internal T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add(new(name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"bad member name '{name}': must be non-empty and contain no '.'", nameof(name));
        if (_parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Key == name))
            throw new ArgumentException($"'{name}' is already registered on {GetType().Name}", nameof(name));
    }

    // ---- traversal ----------------------------------------------------------------------------------

    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _children;
    public IEnumerable<Module> Children() => _children.Select(c => c.Value);

    /// <summary>This module and all descendants, depth-first, with dotted names ("" for this one).</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules(string prefix = "")
    {
        yield return new(prefix, this);
        foreach (var (name, child) in _children)
            foreach (var entry in child.NamedModules(Join(prefix, name)))
                yield return entry;
    }

    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Value);

    public IEnumerable<KeyValuePair<string, Parameter>> NamedParameters(bool recurse = true)
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in recurse ? NamedModules() : [new("", this)])
            foreach (var (name, parameter) in module._parameters)
                if (seen.Add(parameter)) yield return new(Join(prefix, name), parameter);
    }

    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Value);

    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(bool recurse = true)
    {
        foreach (var (prefix, module) in recurse ? NamedModules() : [new("", this)])
            foreach (var (name, tensor, _) in module._buffers)
                yield return new(Join(prefix, name), tensor);
    }

    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse).Select(b => b.Value);

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => p.Numel);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- modes --------------------------------------------------------------------------------------

    /// <summary>Sets training mode here and in all descendants; returns this.</summary>
    public Module Train(bool on = true)
    {
        foreach (var module in Modules()) module.Training = on;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Calls <paramref name="action"/> on every descendant, then on this module (torch's Module.apply:
    /// children first), e.g. for custom weight initialisation. Returns this.</summary>
    public Module Apply(Action<Module> action)
    {
        foreach (var (_, child) in _children) child.Apply(action);
        action(this);
        return this;
    }

    /// <summary>Sets requires_grad on every parameter (freeze with false). Returns this.</summary>
    public Module RequiresGrad_(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Clears every parameter's gradient (set to None, as PyTorch does by default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    // ---- state dict ---------------------------------------------------------------------------------

    /// <summary>
    /// PyTorch's state_dict(): ordered keys, own parameters, own persistent buffers, then children.
    /// The values ARE the module's tensors (no copies): do not dispose them.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var result = new OrderedDictionary<string, Tensor>();
        AddState(result, "");
        return result;
    }

    private void AddState(OrderedDictionary<string, Tensor> into, string prefix)
    {
        foreach (var (name, parameter) in _parameters) into[prefix + name] = parameter;
        foreach (var (name, tensor, persistent) in _buffers)
            if (persistent) into[prefix + name] = tensor;
        foreach (var (name, child) in _children) child.AddState(into, prefix + name + ".");
    }

    /// <summary>
    /// Copies matching entries into this module's parameters and buffers (converting dtype/device).
    /// Returns what did not match. When <paramref name="strict"/>, any missing, unexpected or
    /// shape-mismatched key throws <see cref="StateDictMismatchException"/> listing all of them and
    /// nothing is copied; otherwise the matching entries are copied and the rest reported.
    /// </summary>
    public StateDictReport LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = new List<ShapeMismatch>();
        var matched = new List<(Tensor Target, Tensor Source)>();
        foreach (var (key, target) in own)
        {
            if (!stateDict.TryGetValue(key, out var source)) continue;
            var expected = target.Shape;
            var actual = source.Shape;
            if (expected.AsSpan().SequenceEqual(actual)) matched.Add((target, source));
            else mismatched.Add(new ShapeMismatch(key, expected, actual));
        }
        var report = new StateDictReport(missing, unexpected, mismatched);
        if (strict && !report.IsClean) throw new StateDictMismatchException(report);
        using (TorchRuntime.NoGrad())
            foreach (var (target, source) in matched) target.Copy_(source);
        return report;
    }

    // ---- devices and dtypes -------------------------------------------------------------------------

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place (handles stay valid).</summary>
    public Module To(Device device) => Convert(t => t.To(device), _ => true);

    /// <summary>Casts floating-point parameters and buffers to <paramref name="dtype"/> in place.</summary>
    public Module To(ScalarType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"modules can only be cast to floating-point types, not {dtype}", nameof(dtype));
        return Convert(t => t.To(dtype), t => t.IsFloatingPoint);
    }

    private Module Convert(Func<Tensor, Tensor> convert, Func<Tensor, bool> applies)
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        foreach (var module in Modules())
        {
            foreach (var (_, parameter) in module._parameters)
            {
                if (!applies(parameter)) continue;
                var requiresGrad = parameter.RequiresGrad;
                parameter.Assign(convert(parameter).Detach());
                parameter.RequiresGrad = requiresGrad;
            }
            foreach (var (_, buffer, _) in module._buffers)
                if (applies(buffer)) buffer.Assign(convert(buffer));
        }
        return this;
    }

    // ---- lifetime -----------------------------------------------------------------------------------

    /// <summary>Frees all parameters and buffers of this module and its descendants.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, child) in _children) child.Dispose();
        foreach (var (_, parameter) in _parameters) parameter.Dispose();
        foreach (var (_, buffer, _) in _buffers) buffer.Dispose();
        ReleaseNative();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees native state a module holds besides its parameters and buffers (packed weights).</summary>
    protected virtual void ReleaseNative() { }

    public override string ToString() => GetType().Name;
}

/// <summary>A module with a single-input forward, composable in <see cref="Sequential"/>.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut Forward(TIn input);
}
