namespace GeoDense.Tasks.Pipelines;

/// <summary>`train.data` / `train.val`: a dataset in one of the formats the task's loader reads (the loader checks which).</summary>
public sealed record DataSection
{
    /// <summary>potsdam | geotiff-pairs (segmentation), folder (classification), dota (detection), cdd (change).</summary>
    public required string Format { get; init; }
    public required string Root { get; init; }
    /// <summary>Potsdam: use the eroded "noBoundary" labels (boundaries ignored).</summary>
    public bool NoBoundary { get; init; }
    /// <summary>Potsdam tile ids (e.g. 2_10) for this split; empty means every tile found.</summary>
    public List<string> Tiles { get; init; } = [];

    internal void Check(PipelineProblems p, string at) => p.Check(Root.Length > 0, $"{at}.root", "must name the dataset folder");
}
