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

    static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The profile in weights metadata; null when absent or unreadable (it only ever feeds warnings).</summary>
    public static InputProfile? FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(MetadataKey, out var json)) return null;
        try { return JsonSerializer.Deserialize<InputProfile>(json, Json); }
        catch (JsonException) { return null; }
    }

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
            // a raster with no valid pixel in its sample (an all-nodata edge tile) says nothing about the value range
            if (stats.Any(s => !double.IsFinite(s.Mean))) continue;
            for (int b = 0; b < bands.Length; b++)
            {
                min[b] = Math.Min(min[b], stats[b].Min);
                max[b] = Math.Max(max[b], stats[b].Max);
                mean[b] += stats[b].Mean;
            }
            count++;
        }
        if (count == 0) return new InputProfile(type ?? "unknown", bands, [.. bands.Select(_ => double.NaN)], [.. bands.Select(_ => double.NaN)], [.. bands.Select(_ => double.NaN)]);
        for (int b = 0; b < bands.Length; b++) mean[b] /= count;
        return new InputProfile(type ?? "unknown", bands, min, max, mean);
    }

    /// <summary>Warnings (one line each) where <paramref name="input"/> does not look like this training input.</summary>
    public IEnumerable<string> Compare(Raster input, int[] bands)
    {
        var type = input.Band(bands[0]).DataType.ToString();
        if (type != DataType)
            yield return $"{input.Path}: data type {type}, but the weights were trained on {DataType} input; rescale it or retrain";
        if (bands.Length != Bands.Length || !Max.All(double.IsFinite)) yield break;
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
