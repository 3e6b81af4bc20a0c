namespace GeoDense.Tasks.Inference;

/// <summary>
/// What a pipeline's model is, in the terms a user compares weights by: architecture (backbone + head and its widths),
/// classes, input bands and normalisation. Weights carry the pipeline they were trained with, so a mismatch is named
/// in one line before any tensor is loaded.
/// </summary>
public sealed record ModelSignature(string Architecture, IReadOnlyList<string> Classes, IReadOnlyList<int> Bands,
    IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>The differences that make the weights unusable with the pipeline's model (empty when they fit).</summary>
    public IReadOnlyList<(string Weights, string Pipeline)> Conflicts(ModelSignature pipeline)
    {
        var conflicts = new List<(string, string)>();
        if (Architecture != pipeline.Architecture) conflicts.Add((Architecture, pipeline.Architecture));
        if (!Classes.SequenceEqual(pipeline.Classes))
            conflicts.Add(($"classes [{string.Join(", ", Classes)}]", $"classes [{string.Join(", ", pipeline.Classes)}]"));
        if (!Bands.SequenceEqual(pipeline.Bands))
            conflicts.Add(($"bands {string.Join(",", Bands)}", $"bands {string.Join(",", pipeline.Bands)}"));
        return conflicts;
    }

    /// <summary>A difference that changes results but not the model: the input normalisation.</summary>
    public string? NormalisationDifference(ModelSignature pipeline) =>
        Mean.SequenceEqual(pipeline.Mean) && Std.SequenceEqual(pipeline.Std) ? null
            : $"the weights were trained with input mean [{string.Join(", ", Mean)}] std [{string.Join(", ", Std)}], " +
              $"the pipeline normalises with mean [{string.Join(", ", pipeline.Mean)}] std [{string.Join(", ", pipeline.Std)}]";
}
