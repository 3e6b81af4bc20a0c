namespace GeoDense.Tasks.Detection.Dota;

/// <summary>Class lists of DOTA.</summary>
public static class DotaClasses
{
    /// <summary>DOTA v1.0 in the order of the dataset's web page and DOTA_devkit's evaluation.</summary>
    public static IReadOnlyList<string> V1 { get; } =
    [
        "plane", "baseball-diamond", "bridge", "ground-track-field", "small-vehicle", "large-vehicle", "ship", "tennis-court",
        "basketball-court", "storage-tank", "soccer-ball-field", "roundabout", "harbor", "swimming-pool", "helicopter",
    ];
}
