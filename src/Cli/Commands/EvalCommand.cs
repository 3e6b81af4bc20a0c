using System.CommandLine;
using System.Text.Json;
using GeoDense.IO;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense eval TASK --pipeline P.yaml --weights W --data DIR`: prints the metric table and writes it as JSON.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = "segmentation | detection | change | classification" };
        var pipeline = PipelineOptions.Pipeline();
        var weights = PipelineOptions.Weights();
        var data = new Option<DirectoryInfo>("--data") { Description = "Dataset root, in the pipeline's data format.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Metrics JSON (default: next to the weights, <weights>.eval.json)." };
        var threads = PipelineOptions.Threads();
        var command = new Command("eval", "Evaluate weights on a dataset.") { task, pipeline, weights, data, output, threads };
        command.SetAction(parse => CliErrors.Run(() => parse.GetValue(task) switch
        {
            "segmentation" => EvalSegmentation(parse.GetValue(pipeline)!, parse.GetValue(weights)!, parse.GetValue(data)!,
                parse.GetValue(output), parse.GetValue(threads)),
            var other => throw new UserInputException($"eval: task '{other}' is not available; use segmentation"),
        }));
        return command;
    }

    static int EvalSegmentation(FileInfo pipelineFile, FileInfo weights, DirectoryInfo data, FileInfo? output, int? threads)
    {
        var config = PipelineOptions.Load(pipelineFile, "segmentation");
        var device = PipelineOptions.Device(config, threads);
        // the validation split when the pipeline names one, on the given root
        var split = config.Train?.Val ?? config.Train?.Data ?? new DataConfig();
        var dataConfig = new DataConfig { Format = split.Format, Root = data.FullName, NoBoundary = split.NoBoundary, Tiles = split.Tiles };
        var rasters = SegmentationData.Find(dataConfig);
        using var model = SegmentationModels.Create(config);
        SegmentationWeights.Load(model, weights.FullName);
        model.To(device);
        model.Eval();
        var inference = new TileInference(model, config.Input.Mean.ToArray(), config.Input.Std.ToArray(), device);
        var options = new SlidingWindowOptions(config.Tiling.Size, config.Tiling.Stride, config.Tiling.BatchSize,
            config.Input.Bands.ToArray(), (byte)config.Model.IgnoreIndex, config.Model.ScoredClassCount());
        var matrix = new ConfusionMatrix(options.ScoredClasses);
        foreach (var raster in rasters)
        {
            var bar = new PipelineProgress(Path.GetFileName(raster.Image), "tiles");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            matrix.Add(SlidingWindowEvaluator.Evaluate(inference, [raster], options,
                (done, total) => bar.Report(done, total, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds))));
        }
        var metrics = matrix.Metrics(config.Model.Classes);
        Console.WriteLine(metrics.ToTable());
        var path = output?.FullName ?? weights.FullName + ".eval.json";
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(TrainingLogs.MetricsJson(metrics), new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"metrics: {path}");
        return 0;
    }
}
