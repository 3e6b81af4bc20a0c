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
        options ??= StateDictOptions.Default;
        if (CheckpointFormats.Detect(path) == CheckpointFormat.Safetensors)
            return StateDicts.Normalize(path, Safetensors.Read(path).Tensors, options);
        return StateDicts.Extract(path, TorchZipReader.Load(path), options);
    }

    private static OrderedDictionary<object, object?> AsObjectDict(OrderedDictionary<string, TensorData> tensors)
    {
        var dict = new OrderedDictionary<object, object?>(tensors.Count);
        foreach (var (name, tensor) in tensors) dict.Add(name, tensor);
        return dict;
    }
}
