using System.Text;
using System.Text.Json;

namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// Reads a safetensors file (8-byte little-endian header length, JSON header, raw data) lazily:
/// opening parses and validates the header; each tensor is read from disk only when asked for,
/// so a large file never has to fit in memory at once. Entries keep the header's order.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    // The reference implementation refuses headers above 100 MB; anything larger is not a header.
    private const long MaxHeaderBytes = 100_000_000;

    private readonly FileStream stream;
    private readonly long dataStart;
    private readonly Dictionary<string, SafetensorsEntry> byName;

    public string Path { get; }
    public IReadOnlyList<SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafetensorsReader(string path, FileStream stream, long dataStart,
        IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        this.stream = stream;
        this.dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
        byName = entries.ToDictionary(e => e.Name);
    }

    public static SafetensorsReader Open(string path)
    {
        var stream = CheckpointFiles.OpenRead(path);
        try
        {
            var (entries, metadata, dataStart) = ReadHeader(path, stream);
            return new SafetensorsReader(path, stream, dataStart, entries, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public TensorData Read(SafetensorsEntry entry)
    {
        if (entry.ByteLength > Array.MaxLength)
            throw Fail(Path, $"tensor '{entry.Name}' has {entry.ByteLength} bytes, more than one array can hold");
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)entry.ByteLength));
        stream.Position = dataStart + entry.Begin;
        stream.ReadExactly(bytes);
        return new TensorData(entry.DType, entry.Shape, bytes);
    }

    public TensorData Read(string name) =>
        Read(byName.TryGetValue(name, out var entry)
            ? entry
            : throw CheckpointInputException.For(Path, $"no tensor named '{name}' among its {Entries.Count} tensors"));

    /// <summary>Reads tensors one at a time in header order.</summary>
    public IEnumerable<KeyValuePair<string, TensorData>> ReadAll()
    {
        foreach (var entry in Entries)
            yield return new(entry.Name, Read(entry));
    }

    public void Dispose() => stream.Dispose();

    private static (List<SafetensorsEntry>, Dictionary<string, string>, long) ReadHeader(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Fail(path, $"file has {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        long headerLength = (long)BitConverter.ToUInt64(prefix);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
            throw Fail(path, $"header length {headerLength} is implausible");
        if (headerLength > fileLength - 8)
            throw Fail(path, $"header needs {headerLength} bytes but only {fileLength - 8} follow; the file is truncated");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - headerLength;
        var (entries, metadata) = ParseHeader(path, header, dataLength);
        return (entries, metadata, 8 + headerLength);
    }

    private static (List<SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.AsMemory().TrimEnd((byte)' '));
        }
        catch (JsonException e)
        {
            throw Fail(path, $"header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(path, "header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>();
            var names = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                    ReadMetadata(path, property.Value, metadata);
                else if (!names.Add(property.Name))
                    throw Fail(path, $"tensor '{property.Name}' is listed twice");
                else
                    entries.Add(ReadEntry(path, property.Name, property.Value, dataLength));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(path, "__metadata__ is not a JSON object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Fail(path, $"__metadata__ value of '{item.Name}' is not a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value, long dataLength)
    {
        try
        {
            string dtypeName = value.GetProperty("dtype").GetString() ?? "";
            if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
                throw Fail(path, $"tensor '{name}' has unsupported dtype '{dtypeName}' (supported: {SafetensorsDTypes.Supported})");
            var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || shape.Any(d => d < 0))
                throw Fail(path, $"tensor '{name}' has invalid shape or data_offsets");
            long expected = TensorData.ElementCountOf(shape) * dtype.ElementSize();
            if (offsets[1] - offsets[0] != expected)
                throw Fail(path, $"tensor '{name}' spans {offsets[1] - offsets[0]} bytes but {dtype} [{string.Join(", ", shape)}] needs {expected}");
            if (offsets[1] > dataLength)
                throw Fail(path, $"tensor '{name}' ends at byte {offsets[1]} of a {dataLength}-byte data section; the file is truncated");
            return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Fail(path, $"tensor '{name}' has a malformed header entry ({e.Message})", e);
        }
    }

    private static CheckpointInputException Fail(string path, string problem, Exception? inner = null) =>
        CheckpointInputException.For(path,
            $"not a safetensors file: {problem}. Re-export it (e.g. `geodense model convert`) or check the download.", inner);
}
