namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// Turns a (storage, offset, size, stride) view into <see cref="TensorData"/>: contiguous views share the
/// storage's bytes, other layouts (transposes, expands) are copied out to contiguous row-major order.
/// </summary>
internal static class TensorRebuild
{
    public static TensorData View(TorchStorage storage, ScalarType dtype, long offset, long[] size, long[] stride)
    {
        if (size.Length != stride.Length)
            throw new InvalidDataException($"tensor has {size.Length} sizes but {stride.Length} strides");
        if (size.Any(d => d < 0) || offset < 0)
            throw new InvalidDataException("tensor has a negative size or offset");

        int elementSize = dtype.ElementSize();
        long storageElements = storage.Bytes.Length / elementSize;
        long count = TensorData.ElementCountOf(size);
        if (count == 0)
            return new TensorData(dtype, size, ReadOnlyMemory<byte>.Empty);

        long last = offset;
        for (int d = 0; d < size.Length; d++)
        {
            if (stride[d] < 0) throw new InvalidDataException("negative strides are not supported");
            last += (size[d] - 1) * stride[d];
        }
        if (last >= storageElements)
            throw new InvalidDataException(
                $"tensor view [{string.Join(", ", size)}] at offset {offset} reaches element {last} of a {storageElements}-element storage '{storage.Key}'");

        if (IsContiguous(size, stride))
            return new TensorData(dtype, size,
                storage.Bytes.AsMemory(checked((int)(offset * elementSize)), checked((int)(count * elementSize))));
        return new TensorData(dtype, size, CopyStrided(storage.Bytes, elementSize, offset, size, stride, count));
    }

    /// <summary>Row-major contiguity; dimensions of size 1 may carry any stride, as in PyTorch.</summary>
    public static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] == 1) continue;
            if (stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    private static byte[] CopyStrided(byte[] source, int elementSize, long offset, long[] size, long[] stride, long count)
    {
        var result = new byte[checked(count * elementSize)];
        var index = new long[size.Length];
        long sourceElement = offset;
        for (long i = 0; i < count; i++)
        {
            Buffer.BlockCopy(source, (int)(sourceElement * elementSize), result, (int)(i * elementSize), elementSize);
            // Advance the multi-index like an odometer, keeping the source position in step.
            for (int d = size.Length - 1; d >= 0; d--)
            {
                index[d]++;
                sourceElement += stride[d];
                if (index[d] < size[d]) break;
                sourceElement -= size[d] * stride[d];
                index[d] = 0;
            }
        }
        return result;
    }
}
