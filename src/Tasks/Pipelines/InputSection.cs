namespace GeoDense.Tasks.Pipelines;

/// <summary>`input`: which raster bands feed the model and how they are normalised ((x - mean) / std per band).</summary>
public record InputSection
{
    /// <summary>1-based raster band numbers fed to the model, in order.</summary>
    public List<int> Bands { get; init; } = [1, 2, 3];
    public List<float> Mean { get; init; } = [123.675f, 116.28f, 103.53f];
    public List<float> Std { get; init; } = [58.395f, 57.12f, 57.375f];

    internal virtual void Check(PipelineProblems p, string at)
    {
        p.NonEmptyDistinct($"{at}.bands", Bands);
        foreach (var band in Bands) p.Check(band >= 1, $"{at}.bands", $"are 1-based band numbers (got {band})");
        p.Check(Mean.Count == Bands.Count, $"{at}.mean", $"needs one value per band ({Bands.Count} bands, {Mean.Count} values)");
        p.Check(Std.Count == Bands.Count, $"{at}.std", $"needs one value per band ({Bands.Count} bands, {Std.Count} values)");
        foreach (var s in Std) p.Positive($"{at}.std", s);
    }
}
