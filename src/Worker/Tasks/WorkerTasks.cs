using GeoDense.Worker.Api;

namespace GeoDense.Worker.Tasks;

/// <summary>The task a request names. Detection and change detection exist in the CLI's plan but not in the worker yet.</summary>
public sealed class WorkerTasks(SegmentationWorkerTask segmentation)
{
    public IWorkerTask For(string? task) => task switch
    {
        "segmentation" => segmentation,
        "detection" or "change" => throw ApiProblem.BadRequest($"task '{task}' is not yet available in the worker; only segmentation jobs run here today"),
        null or "" => throw ApiProblem.BadRequest("task: missing; use \"segmentation\""),
        _ => throw ApiProblem.BadRequest($"task '{task}' is unknown; use \"segmentation\" (detection and change are not yet available)"),
    };
}
