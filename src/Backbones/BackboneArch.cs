using System.Text.Json;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>One row of <see cref="BackboneArch.Summary"/>: a stage (or the head) at a given input size.</summary>
/// <param name="Block">The stage's block kind (LeMeViT: C cross, D dual cross, S standard attention; LIT: M MLP-only,
/// A attention) or "-".</param>
/// <param name="Height">Feature map height after the stage (0 for the head).</param>
/// <param name="Macs">Multiply-accumulates per image; null where the family has no MAC count.</param>
public sealed record BackboneSummaryRow(string Part, string Block, int Depth, int Channels, long Height, long Width, long Parameters, long? Macs);

/// <summary>Logits (when a head was asked for) and the dense features that <c>model forward</c> writes; owned by the caller's scope.</summary>
public sealed record BackboneOutputs(Tensor? Logits, IReadOnlyList<Tensor> Features);

/// <summary>
/// A catalog backbone with its config (<see cref="BackboneCatalog.Resolve"/>): everything a task or a model command does
/// with a backbone — build the classifier or the dense backbone, load reference or GeoDense weights, describe it —
/// without knowing its family. Each family implements it next to its code.
/// </summary>
public abstract class BackboneArch
{
    public abstract string Name { get; }
    public abstract int InChannels { get; }
    /// <summary>Outputs of the classification head a classifier gets.</summary>
    public abstract int NumClasses { get; }

    /// <summary>The same variant with another head size and band count.</summary>
    public abstract BackboneArch With(int numClasses, int inChannels);

    /// <summary>The config as stored in a weights file's metadata.</summary>
    public abstract string ToJson();

    /// <summary>A fresh classifier with <see cref="NumClasses"/> outputs (the family's reference initialisation).</summary>
    public abstract ISceneClassifier CreateClassifier();

    /// <summary>A fresh dense backbone (features after each stage).</summary>
    public abstract IDenseBackbone CreateDense();

    /// <summary>A classifier with <paramref name="classes"/> outputs, or the dense backbone when null: the model a checkpoint
    /// with (or without) a head is imported into.</summary>
    public Module CreateModel(int? classes) => classes is { } c ? With(c, InChannels).CreateClassifier().Module : (Module)CreateDense();

    /// <summary>Copies a state dict into a model made by this arch. The family's expected differences (a classifier loaded
    /// from a backbone checkpoint keeps its head, a backbone ignores a head) are not errors; when <paramref name="strict"/>,
    /// anything else throws one <see cref="CheckpointInputException"/> listing the keys, and nothing is copied. Returns
    /// the load report as text.</summary>
    public abstract string Load(Module model, IReadOnlyDictionary<string, TensorData> stateDict, string source, bool strict = true);

    /// <summary>What <c>model forward</c> computes from a state dict: logits from a classifier with <paramref name="classes"/>
    /// outputs (when given) and the four dense features, as the family's reference computes them. Warnings and notes
    /// (an untrained head, values kept at their initialisation) go to <paramref name="notes"/>.</summary>
    public abstract BackboneOutputs Forward(IReadOnlyDictionary<string, TensorData> stateDict, string source, int? classes, Tensor image,
        Device device, TextWriter notes);

    /// <summary>Parameters per stage (and MACs where the family counts them) for an input size.</summary>
    public abstract IReadOnlyList<BackboneSummaryRow> Summary(long height, long width, bool withHead = true);

    /// <summary>
    /// The state dict of a weights file meant for this arch: a GeoDense file whose stored config names another variant
    /// is refused in one line before any tensor is read.
    /// </summary>
    public OrderedDictionary<string, TensorData> ReadWeights(string path)
    {
        if (Directory.Exists(path)) throw new CheckpointInputException($"{path}: is a folder; give a weights file (.pth or .safetensors)");
        if (!File.Exists(path)) throw new CheckpointInputException($"{path}: weights file not found");
        if (CheckpointFormats.Detect(path) == CheckpointFormat.Safetensors
            && GeoDenseMetadata.ConfigJson(Safetensors.ReadMetadata(path)) is { } json
            && StoredName(json) is { } stored && !string.Equals(stored, Name, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointInputException($"{path}: these weights are for {stored}, not --arch {Name}");
        return LeMeViTWeights.ReadStateDict(path);   // the checkpoint layouts (wrappers, prefixes) are the same for every family
    }

    private static string? StoredName(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}
