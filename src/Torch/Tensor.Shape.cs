using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Views, layout, joining and splitting.
public partial class Tensor
{
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(NativeMethods.gd_reshape(Handle, s, shape.Length), this);
    }

    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(NativeMethods.gd_view(Handle, s, shape.Length), this);
    }

    public unsafe Tensor Permute(params long[] order)
    {
        fixed (long* s = order) return Wrap(NativeMethods.gd_permute(Handle, s, order.Length), this);
    }

    public Tensor Transpose(long dim0, long dim1) => Wrap(NativeMethods.gd_transpose(Handle, dim0, dim1), this);
    /// <summary>Transpose of a 2-D tensor (x.T).</summary>
    public Tensor T => Transpose(0, 1);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(NativeMethods.gd_flatten(Handle, startDim, endDim), this);

    public unsafe Tensor Unflatten(long dim, params long[] sizes)
    {
        fixed (long* s = sizes) return Wrap(NativeMethods.gd_unflatten(Handle, dim, s, sizes.Length), this);
    }

    public Tensor Squeeze() => Wrap(NativeMethods.gd_squeeze(Handle, 0, 1), this);
    public Tensor Squeeze(long dim) => Wrap(NativeMethods.gd_squeeze(Handle, dim, 0), this);
    public Tensor Unsqueeze(long dim) => Wrap(NativeMethods.gd_unsqueeze(Handle, dim), this);

    /// <summary>Broadcast view to a larger shape (-1 keeps a size).</summary>
    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(NativeMethods.gd_expand(Handle, s, shape.Length), this);
    }

    public Tensor ExpandAs(Tensor other) => Expand(other.Shape);

    /// <summary>Tiles the data (copies), like torch.Tensor.repeat.</summary>
    public unsafe Tensor Repeat(params long[] repeats)
    {
        fixed (long* s = repeats) return Wrap(NativeMethods.gd_repeat(Handle, s, repeats.Length), this);
    }

    public Tensor RepeatInterleave(long repeats, long dim) => Wrap(NativeMethods.gd_repeat_interleave(Handle, repeats, dim), this);

    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* s = dims) return Wrap(NativeMethods.gd_flip(Handle, s, dims.Length), this);
    }

    public unsafe Tensor Roll(long[] shifts, long[] dims)
    {
        if (shifts.Length != dims.Length) throw new ArgumentException("shifts and dims must have the same length");
        fixed (long* s = shifts)
        fixed (long* d = dims)
            return Wrap(NativeMethods.gd_roll(Handle, s, d, dims.Length), this);
    }

    public Tensor MoveDim(long source, long destination) => Wrap(NativeMethods.gd_movedim(Handle, source, destination), this);

    /// <summary>Python slice x[..., start:end:step, ...] on one dim; end null means to the end.</summary>
    public Tensor Slice(long dim, long? start = null, long? end = null, long step = 1) =>
        Wrap(NativeMethods.gd_slice(Handle, dim, start ?? 0, end ?? long.MaxValue, step), this);

    /// <summary>x.narrow(dim, start, length): a view of <paramref name="length"/> elements.</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(NativeMethods.gd_narrow(Handle, dim, start, length), this);

    /// <summary>x.select(dim, index): removes dim, like x[:, index] for dim 1.</summary>
    public Tensor Select(long dim, long index) => Wrap(NativeMethods.gd_select(Handle, dim, index), this);

    /// <summary>x[index] on the first dimension.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[long index] => Select(0, index);

    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, &NativeMethods.gd_cat);

    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, &NativeMethods.gd_stack);

    private static unsafe Tensor Join(IReadOnlyList<Tensor> tensors, long dim, delegate*<IntPtr*, int, long, IntPtr> join)
    {
        // Model code joins a handful of tensors; only unusually long lists go to the heap.
        Span<IntPtr> handles = tensors.Count <= 64 ? stackalloc IntPtr[tensors.Count] : new IntPtr[tensors.Count];
        fixed (IntPtr* h = handles)
        {
            Pin(tensors, h);
            var result = join(h, tensors.Count, dim);
            GC.KeepAlive(tensors);
            return Wrap(result);
        }
    }

    /// <summary>At most <paramref name="chunks"/> nearly equal views along dim.</summary>
    public unsafe Tensor[] Chunk(long chunks, long dim = 0)
    {
        var capacity = (int)chunks;
        var handles = new IntPtr[capacity];
        fixed (IntPtr* h = handles)
        {
            var n = Checked(NativeMethods.gd_chunk(Handle, chunks, dim, h, capacity), this);
            return WrapAll(h, n);
        }
    }

    /// <summary>Views of <paramref name="size"/> elements along dim (the last may be smaller).</summary>
    public unsafe Tensor[] Split(long size, long dim = 0)
    {
        var length = Size((int)dim);
        var capacity = (int)Math.Max(1, (length + size - 1) / size);
        var handles = new IntPtr[capacity];
        fixed (IntPtr* h = handles)
        {
            var n = Checked(NativeMethods.gd_split(Handle, size, dim, h, capacity), this);
            return WrapAll(h, n);
        }
    }

    /// <summary>Views with the given sizes along dim.</summary>
    public unsafe Tensor[] Split(long[] sizes, long dim = 0)
    {
        var handles = new IntPtr[sizes.Length];
        fixed (long* s = sizes)
        fixed (IntPtr* h = handles)
        {
            var n = Checked(NativeMethods.gd_split_sizes(Handle, s, sizes.Length, dim, h, sizes.Length), this);
            return WrapAll(h, n);
        }
    }

    /// <summary>All slices along dim, each without that dim.</summary>
    public unsafe Tensor[] Unbind(long dim = 0)
    {
        var capacity = (int)Size((int)dim);
        var handles = new IntPtr[capacity];
        fixed (IntPtr* h = handles)
        {
            var n = Checked(NativeMethods.gd_unbind(Handle, dim, h, capacity), this);
            return WrapAll(h, n);
        }
    }

    internal static unsafe void Pin(IReadOnlyList<Tensor> tensors, IntPtr* handles)
    {
        for (var i = 0; i < tensors.Count; i++)
        {
            var h = tensors[i].NativeHandle;
            if (h.IsClosed) throw new ObjectDisposedException(nameof(Tensor), $"tensor {i} of the list is disposed");
            handles[i] = h.DangerousGetHandle();
        }
    }

    private static unsafe Tensor[] WrapAll(IntPtr* handles, int n)
    {
        var result = new Tensor[n];
        for (var i = 0; i < n; i++) result[i] = Wrap(handles[i]);
        return result;
    }
}
