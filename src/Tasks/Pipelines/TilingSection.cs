namespace GeoDense.Tasks.Pipelines;

/// <summary>`tiling`: how a raster is cut into model windows and how overlapping windows are blended back.</summary>
public sealed record TilingSection
{
    public int Size { get; init; } = 512;
    /// <summary>Window step; DOTA's "gap" is size - stride (1024 with gap 200 is stride 824).</summary>
    public int Stride { get; init; } = 384;
    /// <summary>Image scales the windows are cut at (DOTA multi-scale: 0.5, 1.0, 1.5).</summary>
    public List<double> Scales { get; init; } = [1.0];
    /// <summary>cosine | linear | average | crop. `average` is mmseg's slide inference (mean of overlapping logits).</summary>
    public string Blend { get; init; } = "cosine";
    /// <summary>Windows per model call at inference.</summary>
    public int BatchSize { get; init; } = 4;

    public static IReadOnlyList<string> Blends { get; } = ["cosine", "linear", "average", "crop"];

    internal void Check(PipelineProblems p, string at)
    {
        p.Positive($"{at}.size", Size);
        p.Check(Stride > 0 && Stride <= Size, $"{at}.stride", $"must be in [1, size = {Size}] (got {Stride})");
        p.Check(Scales.Count > 0, $"{at}.scales", "must not be empty");
        foreach (var s in Scales) p.Positive($"{at}.scales", s);
        p.OneOf($"{at}.blend", Blend, Blends);
        p.Positive($"{at}.batch_size", BatchSize);
    }
}
