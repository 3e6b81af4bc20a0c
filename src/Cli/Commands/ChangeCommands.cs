using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense train change` and `geodense eval change`: parse, then call the change-detection task layer.</summary>
public static class ChangeCommands
{
    public static int Train(FileInfo pipelineFile, bool resume, string? workDir, int? threads)
    {
        var config = PipelineOptions.Load<ChangePipeline>(pipelineFile);
        var dir = OutputFolder.Prepare(workDir ?? config.Train?.WorkDir ?? throw new UserInputException($"{pipelineFile}: no `train` section"), "--work-dir");
        var device = ComputeDevice.Resolve(config.Device, threads);
        var result = new ChangeTrainer(config, dir, device, TrainCommand.Report(new PipelineProgress("train", "it")), Console.Error)
            .Run(resume, Interruption.Token);
        Console.WriteLine($"weights: {result.Weights}");
        if (result.Validation is { } metrics) Console.WriteLine(metrics.ToTable());
        return 0;
    }

    public static int Eval(FileInfo pipelineFile, FileInfo weights, string data, string? output, int? threads)
    {
        var config = PipelineOptions.Load<ChangePipeline>(pipelineFile);
        var path = OutputFolder.PrepareFile(output ?? weights.FullName + ".eval.json",
            ("--weights", weights.FullName), ("--pipeline", pipelineFile.FullName));
        var device = ComputeDevice.Resolve(config.Device, threads);
        var bar = new PipelineProgress("eval", "pairs");
        var metrics = ChangeEvaluator.EvaluateWeights(config, pipelineFile.FullName, weights.FullName, data, device,
            p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token);
        Console.WriteLine(metrics.ToTable());
        MetricsJson.Write(path, metrics);
        Console.WriteLine($"metrics: {path}");
        return 0;
    }
}
