using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>Validation / evaluation metrics of detection: DOTA Task1 mAP (VOC07, IoU 0.5) and each class's AP.</summary>
public sealed record DetectionMetrics(DotaEvaluationResult Result) : ITrainingMetrics
{
    public double MeanAp => Result.MeanAp;

    public IReadOnlyList<KeyValuePair<string, double>> Scalars =>
        [new("mAP", Result.MeanAp), .. Result.Classes.Select(c => new KeyValuePair<string, double>($"AP_{c.ClassName}", c.Ap))];
}

/// <summary>
/// Detects a DOTA-layout folder and scores it as the evaluation server does: every image goes through the detect
/// pipeline (<see cref="DotaDetector"/>: split -> batched inference -> map back -> per-class rotated NMS), the
/// detections become a Task1 submission zip, and that zip — read back as the server would read it — is scored
/// against labelTxt/ by <see cref="DotaEvaluation"/> on the pipeline's classes.
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>The detector seam of the detect pipeline for an Oriented R-CNN.</summary>
    public static WindowDetector WindowDetector(DetectionModel model) => images =>
        model.Detect(images).Select(d => new WindowDetections(d.Boxes, d.Scores, d.Labels)).ToList();

    /// <summary>`geodense eval detection`: pipeline + weights, then <see cref="Evaluate"/> on the DOTA folder <paramref name="dataRoot"/>.</summary>
    public static DetectionMetrics EvaluateWeights(DetectionPipeline pipeline, string pipelineSource, string weights, string dataRoot,
        string outputDir, Device device, Action<InferenceProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(dataRoot)) throw new DetectionInputException("--data: the path is empty; give a DOTA folder (images/, labelTxt/)");
        if (!Directory.Exists(dataRoot)) throw new DetectionInputException($"{dataRoot}: data folder not found; give a DOTA folder (images/, labelTxt/)");
        var images = DetectionData.Find(new DataSection { Format = "dota", Root = dataRoot });
        using var session = DetectionModels.Load(pipeline, pipelineSource, weights, device);
        return Evaluate(pipeline, session.Model, device, images, outputDir, progress, cancellationToken);
    }

    /// <param name="outputDir">previews and `submission.zip` go here</param>
    public static DetectionMetrics Evaluate(DetectionPipeline pipeline, DetectionModel model, Device device, IReadOnlyList<DotaImage> images,
        string outputDir, Action<InferenceProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(outputDir);
        var detector = new DotaDetector(pipeline, WindowDetector(model), device);
        var outputs = new List<DetectOutputs>();
        foreach (var image in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outputs.Add(detector.Detect(image.ImagePath, outputDir, image.Name, progress, cancellationToken));
        }
        var zip = Path.Combine(outputDir, "submission.zip");
        Task1Submission.WriteZip(zip, pipeline.Model.Classes, DotaDetector.ToTask1(pipeline.Model.Classes, outputs));
        var labels = images.ToDictionary(i => i.Name, i => DotaLabelFile.Read(i.LabelPath));
        return new DetectionMetrics(DotaEvaluation.Evaluate(labels, Task1Submission.Read(zip), pipeline.Model.Classes));
    }
}
