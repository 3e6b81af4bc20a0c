using System.IO.Compression;
using GeoDense.Torch.Checkpoints.Pickle;

namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// Reads files written by <c>torch.save</c> (the zip format of torch >= 1.6): <c>&lt;name&gt;/data.pkl</c>
/// holds the object graph, <c>&lt;name&gt;/data/&lt;key&gt;</c> the raw storages. Each storage is read once and
/// shared by all tensors that view it. The result is the pickled object with tensors as <see cref="TensorData"/>
/// (see <see cref="Unpickler"/> for the value mapping).
/// </summary>
public static class TorchZipReader
{
    public static object? Load(string path)
    {
        using var stream = CheckpointFiles.OpenRead(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(path, e);
        }

        using (archive)
        {
            try
            {
                return LoadArchive(path, archive);
            }
            catch (InvalidDataException e)
            {
                throw Damaged(path, e);
            }
            catch (EndOfStreamException e)
            {
                throw Damaged(path, e);
            }
        }
    }

    private static object? LoadArchive(string path, ZipArchive archive)
    {
        var pickle = archive.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            ?? throw CheckpointInputException.For(path,
                "zip archive has no data.pkl, so it is not a torch.save checkpoint. Use a .pth written by torch.save or a .safetensors file.");
        string prefix = pickle.FullName[..^"data.pkl".Length];
        bool bigEndian = ReadText(archive.GetEntry(prefix + "byteorder"))?.Trim() == "big";

        var storages = new Dictionary<string, TorchStorage>();
        var unpickler = new Unpickler(ReadAll(pickle))
        {
            ResolveGlobal = TorchGlobals.Resolve,
            PersistentLoad = pid => LoadStorage(path, archive, prefix, bigEndian, storages, pid),
        };
        return unpickler.Load();
    }

    private static TorchStorage LoadStorage(string path, ZipArchive archive, string prefix, bool bigEndian,
        Dictionary<string, TorchStorage> storages, object? pid)
    {
        if (pid is not object?[] { Length: >= 5 } tuple || tuple[0] as string != "storage"
            || tuple[2] is not string key || tuple[4] is not long count)
            throw new InvalidDataException($"unexpected persistent id ({DescribePid(pid)})");
        if (storages.TryGetValue(key, out var cached))
            return cached;

        var dtype = tuple[1] switch
        {
            TorchStorageType type => type.DType,
            TorchDType type => type.DType,
            var other => throw CheckpointInputException.For(path,
                $"storage '{key}' has unsupported type {other}. Supported: float32/16/64, bfloat16, int8/16/32/64, uint8, bool."),
        };
        var entry = archive.GetEntry($"{prefix}data/{key}")
            ?? throw new InvalidDataException($"storage '{key}' is missing from the archive");
        var bytes = ReadAll(entry);
        long needed = count * dtype.ElementSize();
        if (bytes.Length < needed)
            throw new InvalidDataException($"storage '{key}' has {bytes.Length} bytes, expected {needed}");
        if (bigEndian)
            SwapByteOrder(bytes, dtype.ElementSize());

        var storage = new TorchStorage(key, dtype, bytes);
        storages[key] = storage;
        return storage;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength)
            throw new InvalidDataException($"{entry.FullName} has {entry.Length} bytes, more than one array can hold");
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)entry.Length));
        using var stream = entry.Open();
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static string? ReadText(ZipArchiveEntry? entry) =>
        entry is null ? null : System.Text.Encoding.UTF8.GetString(ReadAll(entry));

    private static void SwapByteOrder(byte[] bytes, int elementSize)
    {
        if (elementSize == 1) return;
        for (int i = 0; i + elementSize <= bytes.Length; i += elementSize)
            Array.Reverse(bytes, i, elementSize);
    }

    private static string DescribePid(object? pid) =>
        pid is object?[] items ? string.Join(", ", items.Select(i => i?.ToString() ?? "None")) : pid?.ToString() ?? "None";

    private static CheckpointInputException Damaged(string path, Exception e) =>
        CheckpointInputException.For(path,
            $"not a readable torch.save checkpoint: the archive is damaged or truncated ({e.Message.TrimEnd('.')}). Re-download or re-save it.", e);
}
