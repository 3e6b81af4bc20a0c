using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Classification;
using GeoDense.Tasks.Inference;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense train classification --pipeline P.yaml [--resume] [--work-dir D] [--threads N]` (see TrainCommand).</summary>
public static class ClassificationTrainCommand
{
    public static int Run(FileInfo pipelineFile, bool resume, string? workDir, int? threads)
    {
        var config = PipelineOptions.Load<ClassificationPipeline>(pipelineFile);
        var options = ClassificationTrainingOptions.FromPipeline(config, pipelineFile.FullName);
        options = options with { WorkDir = OutputFolder.Prepare(workDir ?? options.WorkDir, "--work-dir"), Device = ComputeDevice.Resolve(config.Device, threads) };
        var result = new ClassificationTrainer(options, TrainCommand.Report(new PipelineProgress("train", "it")), Console.Error)
            .Run(resume, Interruption.Token);
        Console.WriteLine($"weights: {result.Weights}");
        if (result.Validation is { } metrics) Console.WriteLine($"validation: {metrics}");
        return 0;
    }
}
