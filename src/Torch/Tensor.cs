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

    /// <summary>Turns a shim result into a tensor, or throws libtorch's error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(TensorHandle handle)
    {
        if (handle.IsInvalid) throw TorchException.FromLastError();
        return new Tensor(handle);
    }

    internal static Tensor Wrap(IntPtr handle) => new(new TensorHandle(handle));

    /// <summary>Null for optional tensor arguments.</summary>
    internal static TensorHandle H(Tensor? t) => t is null ? TensorHandle.Null : t.NativeHandle;

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

    public int Dim => Checked(NativeMethods.gd_tensor_dim(NativeHandle));

    public unsafe long[] Shape
    {
        get
        {
            long* buffer = stackalloc long[16];
            var rank = Checked(NativeMethods.gd_tensor_shape(NativeHandle, buffer, 16));
            var shape = new long[rank];
            if (rank <= 16)
            {
                for (var i = 0; i < rank; i++) shape[i] = buffer[i];
                return shape;
            }
            fixed (long* p = shape) NativeMethods.gd_tensor_shape(NativeHandle, p, rank);
            return shape;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? dim + shape.Length : dim];
    }

    public unsafe long[] Stride
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) Checked(NativeMethods.gd_tensor_stride(NativeHandle, p, strides.Length));
            return strides;
        }
    }

    public long Numel
    {
        get
        {
            var n = NativeMethods.gd_tensor_numel(NativeHandle);
            return n >= 0 ? n : throw TorchException.FromLastError();
        }
    }

    public ScalarType DType => (ScalarType)Checked(NativeMethods.gd_tensor_dtype(NativeHandle));

    public Device Device
    {
        get
        {
            var type = Checked(NativeMethods.gd_tensor_device(NativeHandle, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    public bool IsContiguous => Checked(NativeMethods.gd_tensor_is_contiguous(NativeHandle)) != 0;

    public bool IsFloatingPoint => DType.IsFloatingPoint();

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", Shape)}], {DType}, {Device}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Checked(int status) => status < 0 ? throw TorchException.FromLastError() : status;
}
