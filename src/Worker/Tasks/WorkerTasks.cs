using GeoDense.Worker.Api;

namespace GeoDense.Worker.Tasks;

/// <summary>The task a request names.</summary>
public sealed class WorkerTasks(SegmentationWorkerTask segmentation, DetectionWorkerTask detection, ChangeWorkerTask change)
{
    public IWorkerTask For(string? task) => task switch
    {
        "segmentation" => segmentation,
        "detection" => detection,
        "change" => change,
        null or "" => throw ApiProblem.BadRequest("task: missing; use \"segmentation\", \"detection\" or \"change\""),
        _ => throw ApiProblem.BadRequest($"task '{task}' is unknown; use \"segmentation\", \"detection\" or \"change\""),
    };
}
