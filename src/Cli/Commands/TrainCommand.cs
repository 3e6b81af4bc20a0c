using System.CommandLine;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense train TASK --pipeline P.yaml [--resume]`.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = "segmentation | detection | change | classification" };
        var pipeline = PipelineOptions.Pipeline();
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest checkpoint in the work directory." };
        var workDir = new Option<DirectoryInfo?>("--work-dir") { Description = "Override train.work_dir." };
        var threads = PipelineOptions.Threads();
        var command = new Command("train", "Train a model as a pipeline file describes.") { task, pipeline, resume, workDir, threads };
        command.SetAction(parse => CliErrors.Run(() => parse.GetValue(task) switch
        {
            "segmentation" => TrainSegmentation(parse.GetValue(pipeline)!, parse.GetValue(resume), parse.GetValue(workDir), parse.GetValue(threads)),
            "classification" => ClassificationTrainCommand.Run(parse.GetValue(pipeline)!, parse.GetValue(resume), parse.GetValue(workDir), parse.GetValue(threads)),
            var other => throw new UserInputException($"train: task '{other}' is not available; use segmentation or classification"),
        }));
        return command;
    }

    static int TrainSegmentation(FileInfo pipelineFile, bool resume, DirectoryInfo? workDir, int? threads)
    {
        var config = PipelineOptions.Load<SegmentationPipeline>(pipelineFile);
        var device = PipelineOptions.Device(config, threads);
        var dir = workDir?.FullName ?? config.Train?.WorkDir ?? throw new UserInputException($"{pipelineFile}: no `train` section");
        var bar = new PipelineProgress("train", "it");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long first = -1;
        var trainer = new SegmentationTrainer(config, dir, device, p =>
        {
            if (first < 0) first = p.Iteration - 1;
            var rate = (p.Iteration - first) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            bar.Report(p.Iteration, p.Iterations, rate, $"loss {p.Loss:F3}  lr {p.LearningRate:G3}" + (p.LastMeanIoU is { } m ? $"  mIoU {m:F3}" : ""));
        }, Console.Error);
        var result = trainer.Run(resume);
        Console.WriteLine($"weights: {result.Weights}");
        if (result.Validation is { } metrics) Console.WriteLine(metrics.ToTable());
        return 0;
    }
}
