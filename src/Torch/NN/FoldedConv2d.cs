namespace GeoDense.Torch.NN;

/// <summary>
/// A convolution followed by a BatchNorm2d (eval mode), kept folded into one convolution for inference
/// (<see cref="Conv2d.FoldBatchNorm"/>): folded once, not per forward, so its weight stays the same tensor and
/// oneDNN's packing of it is kept too. It is folded again when any of the six tensors it comes from was replaced
/// or changed in place (a weight load, an optimizer step, a running-statistics update).
/// </summary>
public sealed class FoldedConv2d : IDisposable
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _bn;
    private readonly object _gate = new();
    private Conv2d? _folded;
    private (long, long)[] _foldedFrom = [];

    public FoldedConv2d(Conv2d conv, BatchNorm2d bn) => (_conv, _bn) = (conv, bn);

    /// <summary>The folded convolution, current with its sources; it carries the convolution's <see cref="Conv2d.Int8"/>.
    /// Owned by this object: callers must not dispose it.</summary>
    public Conv2d Current
    {
        get
        {
            lock (_gate)
            {
                var sources = Sources();
                if (_folded is null || !sources.SequenceEqual(_foldedFrom))
                {
                    _folded?.Dispose();
                    // not inference tensors even inside inference mode: those have no version counter, so oneDNN's
                    // packing of them would not be kept (it would be redone per call)
                    using var normal = TorchRuntime.InferenceMode(false);
                    _folded = _conv.FoldBatchNorm(_bn);
                    _foldedFrom = sources;
                }
                _folded.Int8 = _conv.Int8;
                return _folded;
            }
        }
    }

    private (long, long)[] Sources() =>
        new[] { _conv.Weight, _conv.Bias, _bn.Weight, _bn.Bias, _bn.RunningMean, _bn.RunningVar }
            .Select(t => t is null ? (0L, 0L) : t.Identity).ToArray();

    public void Dispose()
    {
        lock (_gate)
        {
            _folded?.Dispose();
            _folded = null;
        }
    }
}
