namespace GeoDense.Torch.Checkpoints.Pickle;

/// <summary>A class or function named by a pickle that the reader does not know; it is never executed.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// An instance of an unknown class, kept as data: the arguments it was constructed with and the state
/// BUILD gave it. Lets checkpoints holding extra objects (argparse namespaces, numpy scalars) still load.
/// </summary>
public sealed class PickleObject(PickleGlobal type, object?[] args)
{
    public PickleGlobal Type { get; } = type;
    public object?[] Args { get; } = args;
    public object? State { get; set; }

    public override string ToString() => $"{Type}(...)";
}

/// <summary>A global the reader knows how to call, implemented here without any Python.</summary>
public sealed record PickleFunction(string QualifiedName, Func<object?[], object?> Invoke)
{
    public override string ToString() => QualifiedName;
}
