using System.Text.Json;

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
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var duplicate = list.GroupBy(t => t.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"tensor name '{duplicate.Key}' appears twice", nameof(tensors));
        if (list.Any(t => t.Key == "__metadata__"))
            throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor", nameof(tensors));

        byte[] header = BuildHeader(list, metadata);
        CheckpointFiles.WriteAtomically(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            foreach (var (_, tensor) in list)
                stream.Write(tensor.Data.Span);
        });
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, TensorData>> tensors, IReadOnlyDictionary<string, string>? metadata)
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
            foreach (var (name, tensor) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDTypes.NameOf(tensor.DType));
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.Data.Length;
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

public sealed record SafetensorsContent(
    OrderedDictionary<string, TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata);
