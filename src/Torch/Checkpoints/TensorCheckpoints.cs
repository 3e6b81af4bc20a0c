using GeoDense.Torch.NN;

namespace GeoDense.Torch.Checkpoints;

/// <summary>Bridges checkpoint files and native tensors / modules.</summary>
public static class TensorCheckpoints
{
    /// <summary>A new CPU tensor holding a copy of the data (owned by the current dispose scope, if any).</summary>
    public static Tensor ToTensor(this TensorData data) => Tensor.FromBytes(data.DType, data.Shape, data.Data.Span);

    /// <summary>A contiguous CPU copy of the tensor's elements.</summary>
    public static TensorData ToTensorData(this Tensor tensor) => new(tensor.DType, tensor.Shape, tensor.ToBytes());

    /// <summary>
    /// A checkpoint's state dict (see <see cref="StateDictOptions"/>) as CPU tensors in checkpoint order.
    /// Like any new tensors they belong to the current dispose scope, or to the caller when none is open.
    /// </summary>
    public static OrderedDictionary<string, Tensor> LoadTensors(string path, StateDictOptions? options = null)
    {
        var result = new OrderedDictionary<string, Tensor>();
        try
        {
            foreach (var (key, data) in Checkpoint.EnumerateStateDict(path, options))
                result.Add(key, data.ToTensor());
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="module"/> via <see cref="Module.LoadStateDict"/> and frees the
    /// temporary tensors. Strict loading throws <see cref="StateDictMismatchException"/> listing every problem.
    /// </summary>
    public static StateDictReport LoadInto(Module module, string path, StateDictOptions? options = null, bool strict = true)
    {
        using var scope = TorchRuntime.NewScope();
        return module.LoadStateDict(LoadTensors(path, options), strict);
    }

    /// <summary>Writes tensors to a safetensors file, copying each out of native memory only when it is written.</summary>
    public static void SaveSafetensors(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var pending = tensors
            .Select(t => new PendingTensor(t.Key, t.Value.DType, t.Value.Shape, () => t.Value.ToBytes()))
            .ToList();
        Safetensors.WriteLazily(path, pending, metadata);
    }

    /// <summary>Saves the module's state dict with its config JSON in the metadata, so the file describes its model.</summary>
    public static void SaveModule(string path, Module module, string configJson, IReadOnlyDictionary<string, string>? extraMetadata = null) =>
        SaveSafetensors(path, module.StateDict(), GeoDenseMetadata.Create(configJson, extraMetadata));
}
