using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Model weights on disk: our safetensors (the pipeline YAML in the metadata, so a weights file describes
/// itself) or checkpoints of the reference segmentation code (.pth with `state_dict`, keys `backbone.*`,
/// `decode_head.*`, `auxiliary_head.*`).
/// </summary>
public static class SegmentationWeights
{
    public const string PipelineKey = "geodense.pipeline", IterationKey = "geodense.iteration";

    public static void Load(Module model, string path, bool strict = true)
    {
        if (!File.Exists(path)) throw new SegmentationInputException($"{path}: weights file not found");
        OrderedDictionary<string, TensorData> data;
        try { data = Checkpoint.LoadStateDict(path); }
        catch (Exception e) when (e is not SegmentationInputException)
        {
            throw new SegmentationInputException($"{path}: cannot read weights ({e.Message})");
        }
        using var scope = TorchRuntime.NewScope();
        var tensors = data.ToDictionary(kv => kv.Key, kv => kv.Value.ToTensor());
        try { model.LoadStateDict(tensors, strict); }
        catch (StateDictMismatchException e)
        {
            throw new SegmentationInputException($"{path}: weights do not fit the pipeline's model: {e.Message}");
        }
    }

    public static void Save(Module model, string path, IReadOnlyDictionary<string, string> metadata) =>
        TensorCheckpoints.SaveSafetensors(path, model.StateDict(), metadata);

    public static IReadOnlyDictionary<string, string> Metadata(string path) => Safetensors.ReadMetadata(path);
}
