using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>What loading a checkpoint into a LeMeViT did.</summary>
/// <param name="Report">Keys the checkpoint and the model did not agree on (after the expected differences below).</param>
/// <param name="HeadMissing">A classifier was loaded from a checkpoint without `head.*` (a backbone checkpoint); its head keeps its initial values.</param>
/// <param name="IgnoredKeys">Checkpoint keys a dense backbone never uses: a classifier's `head.*` and the mmdet copy's unused `extra_norms.*`.</param>
public sealed record LeMeViTLoadReport(StateDictReport Report, bool HeadMissing, IReadOnlyList<string> IgnoredKeys)
{
    public override string ToString()
    {
        var lines = new List<string> { Report.ToString() };
        if (HeadMissing) lines.Add("the checkpoint has no classification head (head.*): the head is left at its initial values");
        if (IgnoredKeys.Count > 0) lines.Add($"ignored {IgnoredKeys.Count} keys a backbone does not use: {string.Join(", ", IgnoredKeys.Take(6))}{(IgnoredKeys.Count > 6 ? ", ..." : "")}");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// Loads reference LeMeViT checkpoints (torch.save .pth: bare state dict, {"model": ...}, {"state_dict": ...},
/// {"state_dict_ema": ...}, keys prefixed "module." or "backbone.") and GeoDense safetensors into a model.
/// </summary>
public static class LeMeViTWeights
{
    /// <summary>The wrapper order of the reference's mmseg loader: state_dict, then state_dict_ema, then model.</summary>
    public static StateDictOptions ReferenceLayout { get; } = new()
    {
        WrapperKeys = ["state_dict", "state_dict_ema", "model"],
        StripPrefixes = ["module."],
        SelectPrefix = "backbone.",
    };

    private static readonly string[] BackboneIgnoredPrefixes = ["head.", "extra_norms."];

    /// <summary>The normalised state dict of a checkpoint file (throws <see cref="CheckpointInputException"/> for bad files).</summary>
    public static OrderedDictionary<string, TensorData> ReadStateDict(string path) => Checkpoint.LoadStateDict(path, ReferenceLayout);

    /// <summary>Reads <paramref name="path"/> and loads it into <paramref name="model"/>; see the other overload.</summary>
    public static LeMeViTLoadReport Load(Module model, string path, bool strict = true) =>
        Load(model, ReadStateDict(path), path, strict);

    /// <summary>
    /// Copies a state dict into the model (a LeMeViT, or any dense backbone with the same keys). Expected
    /// differences are not errors: a classifier may load a backbone-only checkpoint (head missing), and a
    /// backbone ignores `head.*` and `extra_norms.*`.
    /// When <paramref name="strict"/>, any other missing, unexpected or shape-mismatched key throws a
    /// <see cref="CheckpointInputException"/> listing all of them and nothing is copied.
    /// </summary>
    public static LeMeViTLoadReport Load(Module model, IReadOnlyDictionary<string, TensorData> stateDict, string source, bool strict = true)
    {
        var isClassifier = model is LeMeViTClassifier;
        var ignored = isClassifier ? [] : stateDict.Keys.Where(k => BackboneIgnoredPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList();
        var used = stateDict.Where(e => !ignored.Contains(e.Key)).ToList();
        var own = model.StateDict();
        var headMissing = isClassifier && !used.Any(e => e.Key.StartsWith("head.", StringComparison.Ordinal));

        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k) && !(headMissing && k.StartsWith("head.", StringComparison.Ordinal))).ToList();
        var unexpected = used.Where(e => !own.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        var mismatched = used.Where(e => own.TryGetValue(e.Key, out var t) && !t.Shape.AsSpan().SequenceEqual(e.Value.Shape))
            .Select(e => new ShapeMismatch(e.Key, own[e.Key].Shape, e.Value.Shape)).ToList();
        var report = new LeMeViTLoadReport(new StateDictReport(missing, unexpected, mismatched), headMissing, ignored);
        if (strict && !report.Report.IsClean)
        {
            // one line saying what differs; the key lists follow indented, for whoever needs them
            var asked = (model as LeMeViTBackbone)?.Config.Name ?? Describe(model);
            var holds = LeMeViTConfig.DescribeShapes(stateDict) is { } have && have != asked
                ? $"weights are {have}; --arch asks {asked}" : $"does not match {Describe(model)}";
            var details = report.Report.ToString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.TrimEnd('\r'));
            throw new CheckpointInputException(
                $"{source}: {holds} (check --arch and --num-classes, or that the file is a LeMeViT checkpoint){Environment.NewLine}" +
                string.Join(Environment.NewLine, details));
        }

        using var scope = TorchRuntime.NewScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (key, data) in used)
            if (own.TryGetValue(key, out var target) && target.Shape.AsSpan().SequenceEqual(data.Shape))
                tensors[key] = Tensor.FromBytes(data.DType, data.Shape, data.Data.Span);
        model.LoadStateDict(tensors, strict: false);
        return report;
    }

    private static string Describe(Module model) => model switch
    {
        LeMeViTClassifier classifier => $"{classifier.Config.Name} with {classifier.Config.NumClasses} classes",
        LeMeViTBackbone backbone => backbone.Config.Name,
        _ => model.GetType().Name,
    };
}
