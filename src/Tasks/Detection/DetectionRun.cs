using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Detection;

/// <summary>What a detect run wrote for all its inputs together.</summary>
public sealed record DetectionRunFiles(string Task1Folder, IReadOnlyList<string> Task1Files, string? Submission, string Page);

/// <summary>
/// The end of a detect run, once every input has its merged detections and per-input files: Task1 files in
/// OUTPUT/Task1, the DOTA submission zip when asked, and the results page. `geodense detect` and the worker's
/// detection assembly both finish here, so the same detections give the same bytes.
/// </summary>
public static class DetectionRun
{
    public static DetectionRunFiles Finish(DetectionPipeline pipeline, string outputDir, IReadOnlyList<DetectOutputs> results, string? submissionZip,
        string subtitle)
    {
        var classes = pipeline.Model.Classes;
        var task1 = DotaDetector.ToTask1(classes, results);
        var task1Folder = Path.Combine(outputDir, "Task1");
        var files = Task1Submission.WriteFolder(task1Folder, classes, task1);
        if (submissionZip is not null) Task1Submission.WriteZip(submissionZip, classes, task1);
        var page = DetectionReport.Write(pipeline, outputDir, results, subtitle);
        return new DetectionRunFiles(task1Folder, files, submissionZip, page);
    }
}
