using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense train detection` and `geodense eval detection --pipeline P --weights W --data DIR` (detect, then score).</summary>
public static class DetectionCommands
{
    public static int Train(FileInfo pipelineFile, bool resume, string? workDir, int? threads)
    {
        var config = PipelineOptions.Load<DetectionPipeline>(pipelineFile);
        var dir = OutputFolder.Prepare(workDir ?? config.Train?.WorkDir ?? throw new UserInputException($"{pipelineFile}: no `train` section"), "--work-dir");
        var device = ComputeDevice.Resolve(config.Device, threads);
        var result = new DetectionTrainer(config, dir, device, TrainCommand.Report(new PipelineProgress("train", "it")), Console.Error)
            .Run(resume, Interruption.Token);
        Console.WriteLine($"weights: {result.Weights}");
        if (result.Validation is { } metrics) Console.WriteLine(metrics.Result.ToTable());
        return 0;
    }

    public static int Eval(FileInfo? pipelineFile, FileInfo? weights, string? data, string? output, int? threads)
    {
        if (pipelineFile is null || weights is null || data is null)
            throw new UserInputException("eval detection: give --pipeline, --weights and --data (detect, then score), or --submission and --labels");
        var config = PipelineOptions.Load<DetectionPipeline>(pipelineFile);
        var path = OutputFolder.PrepareFile(output ?? weights.FullName + ".eval.json",
            ("--weights", weights.FullName), ("--pipeline", pipelineFile.FullName));
        var detections = OutputFolder.Prepare(Path.ChangeExtension(path, null) + "-detections", "--output");
        var device = ComputeDevice.Resolve(config.Device, threads);
        PipelineProgress? bar = null;
        var metrics = DetectionEvaluator.EvaluateWeights(config, pipelineFile.FullName, weights.FullName, data, detections, device, p =>
        {
            bar ??= new PipelineProgress(Path.GetFileName(p.Input), "tiles");
            bar.Report(p.Done, p.Total, p.TilesPerSecond);
            if (p.Done >= p.Total) bar = null;
        }, Interruption.Token);
        Console.WriteLine(metrics.Result.ToTable());
        MetricsJson.Write(path, metrics);
        Console.WriteLine($"metrics: {path}");
        Console.WriteLine($"submission: {Path.Combine(detections, "submission.zip")}");
        return 0;
    }
}
