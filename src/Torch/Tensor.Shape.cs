using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Views, layout, joining and splitting.
public partial class Tensor
{
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(NativeMethods.gd_reshape(NativeHandle, s, shape.Length));
    }

    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(NativeMethods.gd_view(NativeHandle, s, shape.Length));
    }

    public unsafe Tensor Permute(params long[] order)
    {
        fixed (long* s = order) return Wrap(NativeMethods.gd_permute(NativeHandle, s, order.Length));
    }

    public Tensor Transpose(long dim0, long dim1) => Wrap(NativeMethods.gd_transpose(NativeHandle, dim0, dim1));
    /// <summary>Transpose of a 2-D tensor (x.T).</summary>
    public Tensor T => Transpose(0, 1);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(NativeMethods.gd_flatten(NativeHandle, startDim, endDim));

    public unsafe Tensor Unflatten(long dim, params long[] sizes)
    {
        fixed (long* s = sizes) return Wrap(NativeMethods.gd_unflatten(NativeHandle, dim, s, sizes.Length));
    }

    public Tensor Squeeze() => Wrap(NativeMethods.gd_squeeze(NativeHandle, 0, 1));
    public Tensor Squeeze(long dim) => Wrap(NativeMethods.gd_squeeze(NativeHandle, dim, 0));
    public Tensor Unsqueeze(long dim) => Wrap(NativeMethods.gd_unsqueeze(NativeHandle, dim));

    /// <summary>Broadcast view to a larger shape (-1 keeps a size).</summary>
    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* s = shape) return Wrap(NativeMethods.gd_expand(NativeHandle, s, shape.Length));
    }

    public Tensor ExpandAs(Tensor other) => Expand(other.Shape);

    /// <summary>Tiles the data (copies), like torch.Tensor.repeat.</summary>
    public unsafe Tensor Repeat(params long[] repeats)
    {
        fixed (long* s = repeats) return Wrap(NativeMethods.gd_repeat(NativeHandle, s, repeats.Length));
    }

    public Tensor RepeatInterleave(long repeats, long dim) => Wrap(NativeMethods.gd_repeat_interleave(NativeHandle, repeats, dim));

    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* s = dims) return Wrap(NativeMethods.gd_flip(NativeHandle, s, dims.Length));
    }

    public unsafe Tensor Roll(long[] shifts, long[] dims)
    {
        if (shifts.Length != dims.Length) throw new ArgumentException("shifts and dims must have the same length");
        fixed (long* s = shifts)
        fixed (long* d = dims)
            return Wrap(NativeMethods.gd_roll(NativeHandle, s, d, dims.Length));
    }

    public Tensor MoveDim(long source, long destination) => Wrap(NativeMethods.gd_movedim(NativeHandle, source, destination));

    /// <summary>Python slice x[..., start:end:step, ...] on one dim; end null means to the end.</summary>
    public Tensor Slice(long dim, long? start = null, long? end = null, long step = 1) =>
        Wrap(NativeMethods.gd_slice(NativeHandle, dim, start ?? 0, end ?? long.MaxValue, step));

    /// <summary>x.narrow(dim, start, length): a view of <paramref name="length"/> elements.</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(NativeMethods.gd_narrow(NativeHandle, dim, start, length));

    /// <summary>x.select(dim, index): removes dim, like x[:, index] for dim 1.</summary>
    public Tensor Select(long dim, long index) => Wrap(NativeMethods.gd_select(NativeHandle, dim, index));

    /// <summary>x[index] on the first dimension.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[long index] => Select(0, index);

    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = stackalloc IntPtr[tensors.Count];
        Pin(tensors, handles);
        var result = NativeMethods.gd_cat(handles, tensors.Count, dim);
        GC.KeepAlive(tensors);
        return Wrap(result);
    }

    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = stackalloc IntPtr[tensors.Count];
        Pin(tensors, handles);
        var result = NativeMethods.gd_stack(handles, tensors.Count, dim);
        GC.KeepAlive(tensors);
        return Wrap(result);
    }

    /// <summary>At most <paramref name="chunks"/> nearly equal views along dim.</summary>
    public unsafe Tensor[] Chunk(long chunks, long dim = 0)
    {
        var capacity = (int)chunks;
        var handles = stackalloc IntPtr[capacity];
        var n = Checked(NativeMethods.gd_chunk(NativeHandle, chunks, dim, handles, capacity));
        return WrapAll(handles, n);
    }

    /// <summary>Views of <paramref name="size"/> elements along dim (the last may be smaller).</summary>
    public unsafe Tensor[] Split(long size, long dim = 0)
    {
        var length = Size((int)dim);
        var capacity = (int)Math.Max(1, (length + size - 1) / size);
        var handles = new IntPtr[capacity];
        fixed (IntPtr* h = handles)
        {
            var n = Checked(NativeMethods.gd_split(NativeHandle, size, dim, h, capacity));
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
            var n = Checked(NativeMethods.gd_split_sizes(NativeHandle, s, sizes.Length, dim, h, sizes.Length));
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
            var n = Checked(NativeMethods.gd_unbind(NativeHandle, dim, h, capacity));
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
