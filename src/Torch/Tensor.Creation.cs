using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Factories (static, like torch.zeros/ones/...), host-memory transfer, conversions.
public partial class Tensor
{
    public static Tensor Empty(params long[] shape) => New(FactoryKind.Empty, shape, ScalarType.Float32, null);
    public static Tensor Empty(long[] shape, ScalarType dtype, Device? device = null) => New(FactoryKind.Empty, shape, dtype, device);
    public static Tensor Zeros(params long[] shape) => New(FactoryKind.Zeros, shape, ScalarType.Float32, null);
    public static Tensor Zeros(long[] shape, ScalarType dtype, Device? device = null) => New(FactoryKind.Zeros, shape, dtype, device);
    public static Tensor Ones(params long[] shape) => New(FactoryKind.Ones, shape, ScalarType.Float32, null);
    public static Tensor Ones(long[] shape, ScalarType dtype, Device? device = null) => New(FactoryKind.Ones, shape, dtype, device);
    /// <summary>Uniform on [0, 1).</summary>
    public static Tensor Rand(params long[] shape) => New(FactoryKind.Rand, shape, ScalarType.Float32, null);
    public static Tensor Rand(long[] shape, ScalarType dtype, Device? device = null) => New(FactoryKind.Rand, shape, dtype, device);
    /// <summary>Standard normal.</summary>
    public static Tensor Randn(params long[] shape) => New(FactoryKind.Randn, shape, ScalarType.Float32, null);
    public static Tensor Randn(long[] shape, ScalarType dtype, Device? device = null) => New(FactoryKind.Randn, shape, dtype, device);

    public static unsafe Tensor Full(long[] shape, Scalar value, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var (type, index) = Unpack(device);
        fixed (long* s = shape) return Wrap(NativeMethods.gd_tensor_full(s, shape.Length, value.ToNative(), (int)dtype, type, index));
    }

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor FromScalar(Scalar value, ScalarType dtype = ScalarType.Float32, Device? device = null) => Full([], value, dtype, device);

    /// <summary>Integers uniform on [low, high).</summary>
    public static unsafe Tensor RandInt(long low, long high, long[] shape, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var (type, index) = Unpack(device);
        fixed (long* s = shape) return Wrap(NativeMethods.gd_tensor_randint(low, high, s, shape.Length, (int)dtype, type, index));
    }

    /// <summary>[0, end) with step 1, int64.</summary>
    public static Tensor Arange(long end) => Arange(0, end, 1, ScalarType.Int64);

    public static Tensor Arange(Scalar start, Scalar end, Scalar step, ScalarType dtype, Device? device = null)
    {
        var (type, index) = Unpack(device);
        return Wrap(NativeMethods.gd_tensor_arange(start.ToNative(), end.ToNative(), step.ToNative(), (int)dtype, type, index));
    }

    public static Tensor Linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var (type, index) = Unpack(device);
        return Wrap(NativeMethods.gd_tensor_linspace(start, end, steps, (int)dtype, type, index));
    }

    public static Tensor Eye(long n, long? m = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var (type, index) = Unpack(device);
        return Wrap(NativeMethods.gd_tensor_eye(n, m ?? n, (int)dtype, type, index));
    }

    public static Tensor RandPerm(long n, Device? device = null)
    {
        var (type, index) = Unpack(device);
        return Wrap(NativeMethods.gd_tensor_randperm(n, (int)ScalarType.Int64, type, index));
    }

    public static Tensor ZerosLike(Tensor t) => Wrap(NativeMethods.gd_tensor_like(t.Handle, 0), t);
    public static Tensor OnesLike(Tensor t) => Wrap(NativeMethods.gd_tensor_like(t.Handle, 1), t);
    public static Tensor EmptyLike(Tensor t) => Wrap(NativeMethods.gd_tensor_like(t.Handle, 2), t);
    public static Tensor RandLike(Tensor t) => Wrap(NativeMethods.gd_tensor_like(t.Handle, 3), t);
    public static Tensor RandnLike(Tensor t) => Wrap(NativeMethods.gd_tensor_like(t.Handle, 4), t);

    private static unsafe Tensor New(FactoryKind kind, long[] shape, ScalarType dtype, Device? device)
    {
        var (type, index) = Unpack(device);
        fixed (long* s = shape) return Wrap(NativeMethods.gd_tensor_new((int)kind, s, shape.Length, (int)dtype, type, index));
    }

    private static (int Type, int Index) Unpack(Device? device) =>
        device is { } d ? ((int)d.Type, d.Index) : ((int)DeviceType.Cpu, -1);

    // ---- host memory ---------------------------------------------------------------------------------

    /// <summary>Copies a managed array into a new CPU tensor; shape defaults to [data.Length].</summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromSpan<T>(data, shape.Length == 0 ? [data.Length] : shape);

    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, long[] shape) where T : unmanaged
    {
        var dtype = ScalarTypeOf<T>();
        fixed (T* d = data)
        fixed (long* s = shape)
            return Wrap(NativeMethods.gd_tensor_from_data(d, (long)data.Length * sizeof(T), s, shape.Length, (int)dtype));
    }

    /// <summary>Raw little-endian element bytes into a new CPU tensor (checkpoint loading).</summary>
    public static unsafe Tensor FromBytes(ScalarType dtype, long[] shape, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* d = bytes)
        fixed (long* s = shape)
            return Wrap(NativeMethods.gd_tensor_from_data(d, bytes.Length, s, shape.Length, (int)dtype));
    }

    /// <summary>The elements in row-major order. T must match <see cref="DType"/> (use <see cref="To(ScalarType)"/> first).</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>();
        var result = new T[Numel];
        fixed (T* p = result) TorchException.Check(NativeMethods.gd_tensor_copy_to(Handle, p, (long)result.Length * sizeof(T)), this);
        return result;
    }

    /// <summary>Copies the elements into <paramref name="destination"/> (exactly Numel long).</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        CheckElementType<T>();
        fixed (T* p = destination) TorchException.Check(NativeMethods.gd_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T)), this);
    }

    /// <summary>All element bytes (any dtype), row-major.</summary>
    public unsafe byte[] ToBytes()
    {
        var result = new byte[Numel * DType.ElementSize()];
        fixed (byte* p = result) TorchException.Check(NativeMethods.gd_tensor_copy_to(Handle, p, result.Length), this);
        return result;
    }

    /// <summary>The single value of a one-element tensor, converted to T.</summary>
    public unsafe T Item<T>() where T : unmanaged
    {
        var dtype = ScalarTypeOf<T>();
        if (DType == dtype)
        {
            T value;
            TorchException.Check(NativeMethods.gd_tensor_copy_to(Handle, &value, sizeof(T)), this);
            return value;
        }
        using var converted = To(dtype);
        return converted.Item<T>();
    }

    internal static ScalarType ScalarTypeOf<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ScalarType.Float32;
        if (typeof(T) == typeof(double)) return ScalarType.Float64;
        if (typeof(T) == typeof(long)) return ScalarType.Int64;
        if (typeof(T) == typeof(int)) return ScalarType.Int32;
        if (typeof(T) == typeof(short)) return ScalarType.Int16;
        if (typeof(T) == typeof(byte)) return ScalarType.UInt8;
        if (typeof(T) == typeof(sbyte)) return ScalarType.Int8;
        if (typeof(T) == typeof(bool)) return ScalarType.Bool;
        if (typeof(T) == typeof(Half)) return ScalarType.Float16;
        throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}");
    }

    private void CheckElementType<T>() where T : unmanaged
    {
        var expected = ScalarTypeOf<T>();
        var actual = DType;
        if (actual != expected)
            throw new InvalidOperationException($"tensor has dtype {actual} but {typeof(T).Name} elements were requested; convert with To(ScalarType.{expected}) first");
    }

    // ---- conversions -----------------------------------------------------------------------------------

    public Tensor To(ScalarType dtype) => Wrap(NativeMethods.gd_tensor_to_dtype(Handle, (int)dtype), this);
    public Tensor To(Device device, bool nonBlocking = false) =>
        Wrap(NativeMethods.gd_tensor_to_device(Handle, (int)device.Type, device.Index, nonBlocking ? 1 : 0), this);
    public Tensor Cpu() => To(Device.Cpu);
    public Tensor Cuda() => To(Device.Cuda);
    public Tensor Float() => To(ScalarType.Float32);
    public Tensor Double() => To(ScalarType.Float64);
    public Tensor Long() => To(ScalarType.Int64);
    public Tensor Int() => To(ScalarType.Int32);
    public Tensor Bool() => To(ScalarType.Bool);
    public Tensor Half() => To(ScalarType.Float16);
    public Tensor BFloat16() => To(ScalarType.BFloat16);

    public Tensor Clone() => Wrap(NativeMethods.gd_tensor_clone(Handle), this);
    /// <summary>Same storage, cut from the autograd graph.</summary>
    public Tensor Detach() => Wrap(NativeMethods.gd_tensor_detach(Handle), this);
    public Tensor Contiguous() => Wrap(NativeMethods.gd_tensor_contiguous(Handle), this);
    /// <summary>A copy in the given memory layout (or this data, if already so laid out).
    /// Channels-last NCHW often runs convolutions faster on CPU (oneDNN).</summary>
    public Tensor Contiguous(MemoryFormat format) => Wrap(NativeMethods.gd_tensor_contiguous_format(Handle, (int)format), this);
    public bool IsContiguousIn(MemoryFormat format) => Checked(NativeMethods.gd_tensor_is_contiguous_format(Handle, (int)format), this) != 0;
    /// <summary>A second handle to the very same tensor (handy to keep a value past a scope).</summary>
    public Tensor Alias() => Wrap(NativeMethods.gd_tensor_alias(Handle), this);

    // ---- in-place fills ---------------------------------------------------------------------------------

    /// <summary>Copies src into this tensor (broadcasting, converting dtype/device), without recording grad.</summary>
    public Tensor Copy_(Tensor src) { TorchException.Check(NativeMethods.gd_tensor_copy_(Handle, src.Handle), this, src); return this; }
    public Tensor Fill_(Scalar value) { TorchException.Check(NativeMethods.gd_tensor_fill_(Handle, value.ToNative()), this); return this; }
    public Tensor Zero_() { TorchException.Check(NativeMethods.gd_tensor_zero_(Handle), this); return this; }
    public Tensor Uniform_(double from = 0, double to = 1) { TorchException.Check(NativeMethods.gd_tensor_uniform_(Handle, from, to), this); return this; }
    public Tensor Normal_(double mean = 0, double std = 1) { TorchException.Check(NativeMethods.gd_tensor_normal_(Handle, mean, std), this); return this; }
    public Tensor Bernoulli_(double p) { TorchException.Check(NativeMethods.gd_tensor_bernoulli_(Handle, p), this); return this; }

    /// <summary>Makes this handle refer to <paramref name="source"/>'s tensor (how modules move parameters).</summary>
    internal void Assign(Tensor source) => TorchException.Check(NativeMethods.gd_tensor_assign(Handle, source.Handle), this, source);
}
