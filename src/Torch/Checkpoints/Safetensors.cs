using System.Text.Json;
using GeoDense.IO;

namespace GeoDense.Torch.Checkpoints;

/// <summary>Whole-file safetensors reading and writing.</summary>
public static class Safetensors
{
    /// <summary>Reads every tensor, in header order, plus the <c>__metadata__</c> map.</summary>
    public static SafetensorsContent Read(string path)
    {
        using var reader = SafetensorsReader.Open(path);
        var tensors = new OrderedDictionary<string, TensorData>();
        foreach (var (name, tensor) in reader.ReadAll())
            tensors.Add(name, tensor);
        return new SafetensorsContent(tensors, reader.Metadata);
    }

    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var reader = SafetensorsReader.Open(path);
        return reader.Metadata;
    }

    /// <summary>
    /// Writes tensors in the given order. The header is padded with spaces to a multiple of 8 bytes so
    /// the data section starts aligned. The file appears only when complete (temp name, then rename).
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, TensorData>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteLazily(path, tensors.Select(t => new PendingTensor(t.Key, t.Value.DType, t.Value.Shape, () => t.Value.Data)).ToList(), metadata);

    /// <summary>
    /// Writes tensors whose bytes are produced one at a time, only when their turn comes (e.g. copied out
    /// of native memory), so at most one tensor's bytes are held in managed memory.
    /// </summary>
    public static void WriteLazily(string path, IReadOnlyList<PendingTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var duplicate = tensors.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"tensor name '{duplicate.Key}' appears twice", nameof(tensors));
        if (tensors.Any(t => t.Name == "__metadata__"))
            throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor", nameof(tensors));

        byte[] header = BuildHeader(tensors, metadata);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            foreach (var tensor in tensors)
            {
                var bytes = tensor.Bytes();
                if (bytes.Length != tensor.ByteLength)
                    throw new InvalidOperationException($"tensor '{tensor.Name}' produced {bytes.Length} bytes, expected {tensor.ByteLength}");
                stream.Write(bytes.Span);
            }
        });
    }

    private static byte[] BuildHeader(IReadOnlyList<PendingTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafetensorsDTypes.NameOf(tensor.DType));
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}

/// <summary>A tensor to be written: its header facts now, its bytes on demand.</summary>
public sealed record PendingTensor(string Name, ScalarType DType, long[] Shape, Func<ReadOnlyMemory<byte>> Bytes)
{
    public long ByteLength => TensorData.ElementCountOf(Shape) * DType.ElementSize();
}

public sealed record SafetensorsContent(
    OrderedDictionary<string, TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata);
