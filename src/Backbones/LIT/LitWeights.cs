using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Backbones;

/// <summary>What loading a checkpoint into a LIT did.</summary>
/// <param name="Report">Keys the checkpoint and the model did not agree on (after the expected differences below).</param>
/// <param name="Kept">Model keys the checkpoint does not have and that keep their initial values, as the reference's
/// non-strict loading leaves them: a classifier's head, or a dense backbone's output norms (norm1..3) when it is
/// given an ImageNet checkpoint.</param>
/// <param name="IgnoredKeys">Checkpoint keys a dense backbone never uses (the classifier's head, norm, cls_token, relative_position_index).</param>
/// <param name="ResizedTables">Bias tables resized bicubically to the model's table size (as the reference detection code does on load).</param>
public sealed record LitLoadReport(StateDictReport Report, IReadOnlyList<string> Kept, IReadOnlyList<string> IgnoredKeys, IReadOnlyList<string> ResizedTables)
{
    public override string ToString()
    {
        var lines = new List<string> { Report.ToString() };
        if (Kept.Count > 0) lines.Add($"kept at initial values ({Kept.Count}): {string.Join(", ", Kept.Take(6))}{(Kept.Count > 6 ? ", ..." : "")}");
        if (IgnoredKeys.Count > 0) lines.Add($"ignored {IgnoredKeys.Count} keys a backbone does not use: {string.Join(", ", IgnoredKeys.Take(6))}{(IgnoredKeys.Count > 6 ? ", ..." : "")}");
        if (ResizedTables.Count > 0) lines.Add($"resized {ResizedTables.Count} relative position bias tables to the model's size");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// Loads reference LIT checkpoints (the released ImageNet .pth files: {"model": ...}; mmdet/mmseg files with
/// "state_dict" and "backbone." prefixes) and GeoDense safetensors into a <see cref="LitBackbone"/>.
/// </summary>
public static class LitWeights
{
    /// <summary>Strict about everything except the reference's own expected differences (see <see cref="LitLoadReport"/>);
    /// a real mismatch throws a <see cref="CheckpointInputException"/> listing every key and copies nothing.</summary>
    public static LitLoadReport Load(LitBackbone model, string path, bool strict = true) =>
        Load(model, Checkpoint.LoadStateDict(path, LeMeViTWeights.ReferenceLayout), path, strict);

    public static LitLoadReport Load(LitBackbone model, IReadOnlyDictionary<string, TensorData> stateDict, string source, bool strict = true)
    {
        var own = model.StateDict();
        var ignored = model.IsClassifier ? [] : stateDict.Keys.Where(k => !own.ContainsKey(k) && IsClassifierOnly(k)).ToList();
        var used = stateDict.Where(e => !ignored.Contains(e.Key)).ToList();
        var kept = own.Keys.Where(k => !stateDict.ContainsKey(k) && MayStayInitial(model, k)).ToList();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k) && !kept.Contains(k)).ToList();
        var unexpected = used.Where(e => !own.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        var resizable = used.Where(e => own.TryGetValue(e.Key, out var t) && IsResizableTable(e.Key, t.Shape, e.Value.Shape)).Select(e => e.Key).ToList();
        var mismatched = used.Where(e => own.TryGetValue(e.Key, out var t) && !t.Shape.AsSpan().SequenceEqual(e.Value.Shape) && !resizable.Contains(e.Key))
            .Select(e => new ShapeMismatch(e.Key, own[e.Key].Shape, e.Value.Shape)).ToList();
        var report = new LitLoadReport(new StateDictReport(missing, unexpected, mismatched), kept, ignored, resizable);
        if (strict && !report.Report.IsClean)
        {
            var details = report.Report.ToString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.TrimEnd('\r'));
            throw new CheckpointInputException(
                $"{source}: does not match {model.Config.Name}{(model.IsClassifier ? $" with {model.Config.NumClasses} classes" : "")} " +
                $"(check --arch and --num-classes, or that the file is a LIT checkpoint){Environment.NewLine}{string.Join(Environment.NewLine, details)}");
        }

        using var scope = TorchRuntime.NewScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (key, data) in used)
        {
            if (!own.TryGetValue(key, out var target)) continue;
            var tensor = Tensor.FromBytes(data.DType, data.Shape, data.Data.Span);
            if (resizable.Contains(key)) tensors[key] = ResizeTable(tensor, target.Shape[0]);
            else if (target.Shape.AsSpan().SequenceEqual(data.Shape)) tensors[key] = tensor;
        }
        model.LoadStateDict(tensors, strict: false);
        return report;
    }

    private static bool IsClassifierOnly(string key) =>
        key.StartsWith("head.", StringComparison.Ordinal) || key.StartsWith("norm.", StringComparison.Ordinal)
        || key == "cls_token" || key.EndsWith(".relative_position_index", StringComparison.Ordinal);

    private static bool MayStayInitial(LitBackbone model, string key) => model.IsClassifier
        ? key.StartsWith("head.", StringComparison.Ordinal) || key.EndsWith(".relative_position_index", StringComparison.Ordinal)
        : key is "norm1.weight" or "norm1.bias" or "norm2.weight" or "norm2.bias" or "norm3.weight" or "norm3.bias";

    /// <summary>A bias table [(2S-1)², heads] stored for another grid S (same heads).</summary>
    private static bool IsResizableTable(string key, long[] model, long[] checkpoint) =>
        key.EndsWith(".relative_position_bias_table", StringComparison.Ordinal) && model.Length == 2 && checkpoint.Length == 2
        && model[1] == checkpoint[1] && model[0] != checkpoint[0] && IsSquare(checkpoint[0]);

    private static bool IsSquare(long n) => (long)Math.Round(Math.Sqrt(n)) is var s && s * s == n;

    /// <summary>The reference detection code's load-time resize: the table as a [1, heads, S1, S1] image, bicubic to S2.</summary>
    private static Tensor ResizeTable(Tensor table, long rows)
    {
        long heads = table.Shape[1], s1 = (long)Math.Round(Math.Sqrt(table.Shape[0])), s2 = (long)Math.Round(Math.Sqrt(rows));
        using var noGrad = TorchRuntime.NoGrad();
        var image = table.Transpose(0, 1).Reshape(1, heads, s1, s1);
        return F.Interpolate(image, size: (s2, s2), mode: InterpolationMode.Bicubic).Reshape(heads, rows).Transpose(0, 1).Contiguous();
    }
}
