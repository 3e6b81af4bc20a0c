using System.Runtime.InteropServices;

namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// A tensor as plain bytes: element type, shape and little-endian contiguous (row-major) data.
/// Checkpoint readers produce these so they need no native runtime; views of one storage share
/// the same underlying buffer.
/// </summary>
public sealed class TensorData
{
    public TensorData(ScalarType dtype, long[] shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0))
            throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]", nameof(shape));
        long expected = ElementCountOf(shape) * dtype.ElementSize();
        if (data.Length != expected)
            throw new ArgumentException(
                $"{dtype} tensor of shape [{string.Join(", ", shape)}] needs {expected} bytes, got {data.Length}", nameof(data));
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public ScalarType DType { get; }
    public long[] Shape { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public long ElementCount => ElementCountOf(Shape);

    /// <summary>The elements reinterpreted as <typeparamref name="T"/>, whose size must match the dtype.</summary>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged
    {
        CheckElementType<T>();
        return MemoryMarshal.Cast<byte, T>(Data.Span);
    }

    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    public static TensorData FromArray<T>(ScalarType dtype, long[] shape, T[] values) where T : unmanaged
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != dtype.ElementSize())
            throw new ArgumentException($"{typeof(T).Name} does not match element size of {dtype}");
        return new TensorData(dtype, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    public static long ElementCountOf(IReadOnlyList<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n = checked(n * d);
        return n;
    }

    public override string ToString() => $"{DType}[{string.Join(", ", Shape)}]";

    private void CheckElementType<T>() where T : unmanaged
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != DType.ElementSize())
            throw new InvalidOperationException($"cannot view {DType} elements as {typeof(T).Name}");
    }
}
