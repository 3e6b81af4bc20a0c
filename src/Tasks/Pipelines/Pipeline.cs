namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// A pipeline file (SPEC §6): one use of a model end to end. The `task` key picks the record —
/// <see cref="SegmentationPipeline"/>, <see cref="DetectionPipeline"/>, <see cref="ChangePipeline"/> or
/// <see cref="ClassificationPipeline"/> — each with its own `model` and `train` sections; the sections here are shared.
/// YAML keys are the snake_case of the property names (<see cref="PipelineKeys"/>).
/// </summary>
public abstract record Pipeline
{
    /// <summary>The `task` key; fixed by the record type.</summary>
    public abstract string Task { get; }

    public InputSection Input { get; init; } = new();
    public TilingSection Tiling { get; init; } = new();
    public OutputSection Output { get; init; } = new();
    /// <summary>auto | cpu | cuda (auto picks CUDA when this libtorch has a device).</summary>
    public string Device { get; init; } = "auto";
    /// <summary>fp32 | bf16 | int8: the arithmetic inference runs in (see Torch.ReducedPrecision); training is always fp32.</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>The file this pipeline was read from, for messages; not a key of the file.</summary>
    public string Source { get; internal init; } = "<pipeline>";

    /// <summary>The `output.formats` this task can write.</summary>
    public abstract IReadOnlyList<string> SupportedFormats { get; }

    public static IReadOnlyList<string> Devices { get; } = ["auto", "cpu", "cuda"];

    /// <summary>Range and consistency checks of every section; each task adds its model and train sections.</summary>
    internal virtual void Check(PipelineProblems problems)
    {
        Input.Check(problems, "input");
        Tiling.Check(problems, "tiling");
        Output.Check(problems, "output", SupportedFormats);
        problems.OneOf("device", Device, Devices);
        problems.OneOf("precision", Precision, Torch.ReducedPrecision.Names);
    }

    /// <summary>model.backbone: the LeMeViT and LIT variants (SPEC §6), the same names as `--arch`.</summary>
    internal static void CheckBackbone(PipelineProblems problems, string backbone) =>
        problems.OneOf("model.backbone", backbone, Backbones.BackboneCatalog.ArchNames.ToList());
}
