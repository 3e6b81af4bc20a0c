using System.Runtime.CompilerServices;
using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>
/// A libtorch tensor. Members mirror <c>torch.Tensor</c> in PascalCase; in-place variants end in
/// an underscore (<c>Add_</c>, <c>Mul_</c>, <c>Fill_</c>). The native memory is released by
/// <see cref="Dispose"/>, by the dispose scope that owns the tensor, or (as a last resort) the finalizer.
/// </summary>
public partial class Tensor : IDisposable
{
    internal readonly TensorHandle NativeHandle;
    internal DisposeScope? OwnerScope;
    internal int OwnerSlot;

    /// <summary>Wraps a handle the shim just returned; the innermost scope (if any) takes ownership.</summary>
    internal Tensor(TensorHandle handle)
    {
        NativeHandle = handle;
        DisposeScope.Current?.Own(this);
    }

    /// <summary>For tensors that must not be scope-owned (parameters).</summary>
    private protected Tensor(TensorHandle handle, bool scoped)
    {
        NativeHandle = handle;
        if (scoped) DisposeScope.Current?.Own(this);
    }

    /// <summary>
    /// The raw <c>at::Tensor*</c> for a native call. Throws if disposed. The caller must keep this
    /// object alive until the call returns (pass it as a keep-alive argument of <see cref="Wrap(IntPtr)"/>
    /// or <see cref="TorchException.Check(int)"/>), or the finalizer could free the tensor mid-call.
    /// </summary>
    internal IntPtr Handle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var handle = NativeHandle;
            if (handle.IsClosed) ThrowDisposed();
            return handle.DangerousGetHandle();
        }
    }

    /// <summary>Zero for optional tensor arguments that are absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static IntPtr H(Tensor? t) => t is null ? IntPtr.Zero : t.Handle;

    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(Tensor), "the tensor has been disposed");

    /// <summary>Turns a shim result into a tensor, or throws libtorch's error. The extra arguments are the
    /// call's tensor arguments, kept reachable until the native call has returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result)
    {
        if (result == IntPtr.Zero) throw TorchException.FromLastError();
        return new Tensor(new TensorHandle(result));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result, object? a)
    {
        GC.KeepAlive(a);
        return Wrap(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result, object? a, object? b)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return Wrap(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result, object? a, object? b, object? c)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        return Wrap(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result, object? a, object? b, object? c, object? d)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        GC.KeepAlive(d);
        return Wrap(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr result, object? a, object? b, object? c, object? d, object? e)
    {
        GC.KeepAlive(e);
        return Wrap(result, a, b, c, d);
    }

    public bool IsDisposed => NativeHandle.IsClosed;

    /// <summary>Frees the native tensor now (idempotent) and leaves any scope that owned it.</summary>
    public void Dispose()
    {
        OwnerScope?.Release(this);
        DisposeNative();
    }

    internal void DisposeNative() => NativeHandle.Dispose();

    /// <summary>Hands this tensor to the scope enclosing its owner (or to nobody); returns this.</summary>
    public Tensor MoveToOuter()
    {
        var scope = OwnerScope;
        if (scope is null) return this;
        scope.Release(this);
        scope.Outer?.Own(this);
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller now disposes it. Returns this.</summary>
    public Tensor DetachFromScope()
    {
        OwnerScope?.Release(this);
        return this;
    }

    // ---- metadata ----------------------------------------------------------------------------------

    public int Dim => Checked(NativeMethods.gd_tensor_dim(Handle), this);

    public unsafe long[] Shape
    {
        get
        {
            long* buffer = stackalloc long[16];
            var rank = Checked(NativeMethods.gd_tensor_shape(Handle, buffer, 16), this);
            var shape = new long[rank];
            if (rank <= 16)
            {
                for (var i = 0; i < rank; i++) shape[i] = buffer[i];
                return shape;
            }
            fixed (long* p = shape) Checked(NativeMethods.gd_tensor_shape(Handle, p, rank), this);
            return shape;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end), without allocating.</summary>
    public long Size(long dim)
    {
        var size = NativeMethods.gd_tensor_size(Handle, dim);
        GC.KeepAlive(this);
        return size >= 0 ? size : throw TorchException.FromLastError();
    }

    public unsafe long[] Stride
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) Checked(NativeMethods.gd_tensor_stride(Handle, p, strides.Length), this);
            return strides;
        }
    }

    public long Numel
    {
        get
        {
            var n = NativeMethods.gd_tensor_numel(Handle);
            GC.KeepAlive(this);
            return n >= 0 ? n : throw TorchException.FromLastError();
        }
    }

    public ScalarType DType => (ScalarType)Checked(NativeMethods.gd_tensor_dtype(Handle), this);

    public Device Device
    {
        get
        {
            var type = Checked(NativeMethods.gd_tensor_device(Handle, out var index), this);
            return new Device((DeviceType)type, index);
        }
    }

    public bool IsContiguous => Checked(NativeMethods.gd_tensor_is_contiguous(Handle), this) != 0;

    /// <summary>Where the data lies and how often it was changed in place (-1 for an inference tensor): a value
    /// derived from this tensor is current while both stay the same.</summary>
    public (long Data, long Version) Identity
    {
        get
        {
            Checked(NativeMethods.gd_tensor_identity(Handle, out var data, out var version), this);
            return (data, version);
        }
    }

    public bool IsFloatingPoint => DType.IsFloatingPoint();

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", Shape)}], {DType}, {Device}";

    /// <summary><see cref="TorchException.Check(int)"/> for calls whose non-negative status is a result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Checked(int status)
    {
        TorchException.Check(status);
        return status;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Checked(int status, object? a, object? b = null, object? c = null)
    {
        TorchException.Check(status, a, b, c);
        return status;
    }
}
