using System.Text.Json;
using GeoDense.IO;

namespace GeoDense.Tasks.Training;

/// <summary>
/// The one JSON form of metrics (snake_case keys, NaN for undefined scores), shared by the training logs and
/// `geodense eval`, so a `metrics.json` reads the same whichever command wrote it.
/// </summary>
public static class MetricsJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    /// <summary>Writes <paramref name="metrics"/> as indented JSON, atomically.</summary>
    public static void Write<TMetrics>(string path, TMetrics metrics) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(metrics, Indented));
}
