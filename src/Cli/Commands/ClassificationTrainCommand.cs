using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Classification;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense train classification --pipeline P.yaml [--resume] [--work-dir D] [--threads N]` (see TrainCommand).</summary>
public static class ClassificationTrainCommand
{
    public static int Run(FileInfo pipelineFile, bool resume, DirectoryInfo? workDir, int? threads)
    {
        var config = PipelineOptions.Load<ClassificationPipeline>(pipelineFile);
        PipelineOptions.Device(config, threads);
        var options = ClassificationTrainingOptions.FromPipeline(config, pipelineFile.FullName);
        if (workDir is not null) options = options with { WorkDir = workDir.FullName };
        var bar = new PipelineProgress("train", "it");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long first = -1;
        var trainer = new ClassificationTrainer(options, p =>
        {
            if (first < 0) first = p.Iteration - 1;
            var rate = (p.Iteration - first) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            bar.Report(p.Iteration, p.Iterations, rate, $"loss {p.Loss:F3}  lr {p.LearningRate:G3}" + (p.LastTop1 is { } a ? $"  top-1 {a:P1}" : ""));
        }, Console.Error);
        var result = trainer.Run(resume);
        Console.WriteLine($"weights: {result.Weights}");
        if (result.Validation is { } metrics) Console.WriteLine($"validation: {metrics}");
        return 0;
    }
}
