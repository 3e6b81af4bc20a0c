namespace GeoDense.Torch.Checkpoints;

/// <summary>Entry point for reading weights from .safetensors and torch.save .pth files.</summary>
public static class Checkpoint
{
    /// <summary>
    /// The whole checkpoint object: for a .pth whatever was pickled (dicts as
    /// <c>OrderedDictionary&lt;object, object?&gt;</c>, tensors as <see cref="TensorData"/>); for a
    /// .safetensors file a dict of its tensors in file order.
    /// </summary>
    public static object? Load(string path) => CheckpointFormats.Detect(path) switch
    {
        CheckpointFormat.TorchZip => TorchZipReader.Load(path),
        _ => AsObjectDict(Safetensors.Read(path).Tensors),
    };

    /// <summary>The model state dict, found and normalised as <paramref name="options"/> describe.</summary>
    public static OrderedDictionary<string, TensorData> LoadStateDict(string path, StateDictOptions? options = null)
    {
        var result = new OrderedDictionary<string, TensorData>();
        foreach (var (key, tensor) in EnumerateStateDict(path, options))
            result.Add(key, tensor);
        return result;
    }

    /// <summary>
    /// Like <see cref="LoadStateDict"/>, one tensor at a time. For safetensors only the selected tensors are
    /// read, and each only when enumerated, so a caller converting to native tensors holds one buffer at once.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, TensorData>> EnumerateStateDict(string path, StateDictOptions? options = null)
    {
        options ??= StateDictOptions.Default;
        if (CheckpointFormats.Detect(path) == CheckpointFormat.TorchZip)
            return StateDicts.Extract(path, TorchZipReader.Load(path), options);

        // Validate and select eagerly so a bad file fails here, not in the middle of a caller's loop.
        IReadOnlyList<(string Original, string Key)> selected;
        using (var reader = SafetensorsReader.Open(path))
            selected = StateDicts.MapKeys(path, reader.Entries.Select(e => e.Name), options);
        return ReadSelected(path, selected);
    }

    private static IEnumerable<KeyValuePair<string, TensorData>> ReadSelected(string path, IReadOnlyList<(string Original, string Key)> selected)
    {
        using var reader = SafetensorsReader.Open(path);
        foreach (var (original, key) in selected)
            yield return new(key, reader.Read(original));
    }

    private static OrderedDictionary<object, object?> AsObjectDict(OrderedDictionary<string, TensorData> tensors)
    {
        var dict = new OrderedDictionary<object, object?>(tensors.Count);
        foreach (var (name, tensor) in tensors) dict.Add(name, tensor);
        return dict;
    }
}
