using System.Text.Json;
using GeoDense.Geo;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// What a model was trained on: the input rasters' data type and per-band value range. Recorded in the weights'
/// metadata by the trainer and compared with each input at prediction time, so 16-bit or reflectance input given to
/// weights trained on 8-bit RGB gets a clear warning instead of silently wrong maps.
/// </summary>
public sealed record InputProfile(string DataType, int[] Bands, double[] Min, double[] Max, double[] Mean)
{
    public const string MetadataKey = "geodense.input";

    public string ToJson() => JsonSerializer.Serialize(this);

    public static InputProfile? FromMetadata(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MetadataKey, out var json) ? JsonSerializer.Deserialize<InputProfile>(json) : null;

    /// <summary>The profile of the given rasters (sampled; the type of the first one).</summary>
    public static InputProfile Of(IEnumerable<string> rasters, int[] bands)
    {
        string? type = null;
        var min = Enumerable.Repeat(double.PositiveInfinity, bands.Length).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, bands.Length).ToArray();
        var mean = new double[bands.Length];
        int count = 0;
        foreach (var path in rasters)
        {
            using var raster = Raster.Open(path);
            // profiling is the first read of training data, so it meets a pipeline asking for bands a raster lacks first
            if (bands.Any(b => b < 1 || b > raster.BandCount))
                throw new RasterInputException(path, $"{path}: has {raster.BandCount} band(s) but the pipeline reads bands {string.Join(",", bands)}");
            type ??= raster.Band(bands[0]).DataType.ToString();
            var stats = BandStatistics.Sample(raster, bands, maxSide: 256);
            for (int b = 0; b < bands.Length; b++)
            {
                min[b] = Math.Min(min[b], stats[b].Min);
                max[b] = Math.Max(max[b], stats[b].Max);
                mean[b] += stats[b].Mean;
            }
            count++;
        }
        for (int b = 0; b < bands.Length; b++) mean[b] /= Math.Max(1, count);
        return new InputProfile(type ?? "unknown", bands, min, max, mean);
    }

    /// <summary>Warnings (one line each) where <paramref name="input"/> does not look like this training input.</summary>
    public IEnumerable<string> Compare(Raster input, int[] bands)
    {
        var type = input.Band(bands[0]).DataType.ToString();
        if (type != DataType)
            yield return $"{input.Path}: data type {type}, but the weights were trained on {DataType} input; rescale it or retrain";
        if (bands.Length != Bands.Length) yield break;
        var stats = BandStatistics.Sample(input, bands);
        for (int b = 0; b < bands.Length; b++)
        {
            double trainedSpan = Max[b] - Min[b], span = stats[b].Max - stats[b].Min;
            bool off = double.IsFinite(span) && trainedSpan > 0 && (stats[b].Max > Max[b] + trainedSpan || span > 4 * trainedSpan || span < trainedSpan / 4);
            if (off)
            {
                yield return $"{input.Path}: band {bands[b]} holds values {stats[b].Min:G4}..{stats[b].Max:G4}, but the weights were trained on " +
                             $"{Min[b]:G4}..{Max[b]:G4}; results may be wrong (rescale the input or retrain)";
                yield break;
            }
        }
    }
}
