namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// Our convention for self-describing weights: the model config JSON and a format version live in the
/// safetensors <c>__metadata__</c> map, so a weights file alone is enough to rebuild its model.
/// </summary>
public static class GeoDenseMetadata
{
    public const string ConfigKey = "geodense.config";
    public const string FormatVersionKey = "geodense.format_version";
    public const string CurrentFormatVersion = "1";

    public static Dictionary<string, string> Create(string configJson, IReadOnlyDictionary<string, string>? extra = null)
    {
        var metadata = new Dictionary<string, string>();
        if (extra is not null)
            foreach (var (key, value) in extra) metadata[key] = value;
        metadata[ConfigKey] = configJson;
        metadata[FormatVersionKey] = CurrentFormatVersion;
        return metadata;
    }

    /// <summary>The config JSON stored in a weights file, or null when the file carries none (e.g. converted from elsewhere).</summary>
    public static string? ConfigJson(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(ConfigKey, out var json) ? json : null;
}
