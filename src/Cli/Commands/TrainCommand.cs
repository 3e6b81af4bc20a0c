using System.CommandLine;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Tasks.Training;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense train TASK --pipeline P.yaml [--resume]`.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = "What to train: segmentation, detection, change or classification." };
        var pipeline = PipelineOptions.Pipeline();
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest checkpoint in the work directory." };
        var workDir = new Option<string?>("--work-dir") { Description = "Override train.work_dir." };
        var threads = PipelineOptions.Threads();
        var command = new Command("train", "Train a model as a pipeline file describes.") { task, pipeline, resume, workDir, threads };
        command.SetAction(parse => CliErrors.Run(() => parse.GetValue(task) switch
        {
            "segmentation" => TrainSegmentation(parse.GetValue(pipeline)!, parse.GetValue(resume), parse.GetValue(workDir), parse.GetValue(threads)),
            "detection" => DetectionCommands.Train(parse.GetValue(pipeline)!, parse.GetValue(resume), parse.GetValue(workDir), parse.GetValue(threads)),
            "classification" => ClassificationTrainCommand.Run(parse.GetValue(pipeline)!, parse.GetValue(resume), parse.GetValue(workDir), parse.GetValue(threads)),
            "change" => ChangeCommands.Train(parse.GetValue(pipeline)!, parse.GetValue(resume), parse.GetValue(workDir), parse.GetValue(threads)),
            var other => throw new UserInputException($"train: task '{other}' is not available; use segmentation, detection, change or classification"),
        }));
        return command;
    }

    static int TrainSegmentation(FileInfo pipelineFile, bool resume, string? workDir, int? threads)
    {
        var config = PipelineOptions.Load<SegmentationPipeline>(pipelineFile);
        var dir = OutputFolder.Prepare(workDir ?? config.Train?.WorkDir ?? throw new UserInputException($"{pipelineFile}: no `train` section"), "--work-dir");
        var device = ComputeDevice.Resolve(config.Device, threads);
        var result = new SegmentationTrainer(config, dir, device, Report(new PipelineProgress("train", "it")), Console.Error)
            .Run(resume, Interruption.Token);
        Console.WriteLine($"weights: {result.Weights}");
        if (result.Validation is { } metrics) Console.WriteLine(metrics.ToTable());
        return 0;
    }

    /// <summary>The progress line of every training run: iterations, rate, ETA, loss, learning rate, last metric.</summary>
    public static Action<TrainingProgress> Report(PipelineProgress bar) => p =>
        bar.Report(p.Iteration, p.Iterations, p.IterationsPerSecond,
            $"loss {p.Loss:F3}  lr {p.LearningRate:G3}" + (p.LastMetric is { } m ? $"  {p.MetricName} {m:F3}" : ""));
}
