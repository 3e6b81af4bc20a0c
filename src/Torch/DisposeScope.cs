namespace GeoDense.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope, and frees them
/// all when disposed. Scopes nest; <see cref="Tensor.MoveToOuter"/> hands a result to the enclosing
/// scope (or to nobody at the outermost level). Module parameters and buffers are never scope-owned.
/// <code>
/// using (TorchRuntime.NewScope()) { var y = model.Forward(x); ... }   // every intermediate freed here
/// </code>
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _innermost;

    private readonly DisposeScope? _outer;
    private readonly List<Tensor?> _owned = [];
    private int _live;
    private bool _disposed;

    private DisposeScope(DisposeScope? outer) => _outer = outer;

    /// <summary>The innermost open scope on this thread, or null.</summary>
    public static DisposeScope? Current => _innermost;

    /// <summary>How many tensors this scope currently owns.</summary>
    public int Count => _live;

    internal static DisposeScope Open() => _innermost = new DisposeScope(_innermost);

    internal DisposeScope? Outer => _outer;

    internal void Own(Tensor tensor)
    {
        tensor.OwnerScope = this;
        tensor.OwnerSlot = _owned.Count;
        _owned.Add(tensor);
        _live++;
    }

    internal void Release(Tensor tensor)
    {
        _owned[tensor.OwnerSlot] = null;
        tensor.OwnerScope = null;
        _live--;
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_innermost, this))
            throw new InvalidOperationException("dispose scopes must be closed innermost first, on the thread that opened them");
        _disposed = true;
        _innermost = _outer;
        for (var i = 0; i < _owned.Count; i++)
        {
            var tensor = _owned[i];
            if (tensor is null) continue;
            tensor.OwnerScope = null;
            tensor.DisposeNative();
        }
        _owned.Clear();
        _live = 0;
    }
}
