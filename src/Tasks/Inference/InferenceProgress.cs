namespace GeoDense.Tasks.Inference;

/// <summary>Where one input's tiled inference stands: windows done of total, with the rate since it started.</summary>
public sealed record InferenceProgress(string Input, int Done, int Total, double TilesPerSecond)
{
    /// <summary>Remaining time at the current rate; null before the first batch.</summary>
    public TimeSpan? Eta => TilesPerSecond > 0 ? TimeSpan.FromSeconds((Total - Done) / TilesPerSecond) : null;
}
