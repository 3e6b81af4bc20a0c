using System.CommandLine;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense segment`: class COG (+ probabilities, polygons, PNG preview) for any number of mosaics.</summary>
public static class SegmentCommand
{
    public static Command Create()
    {
        var pipeline = PipelineOptions.Pipeline();
        var weights = PipelineOptions.Weights();
        var inputs = new Option<string[]>("--input")
        {
            Description = "Input rasters: files, globs ('tiles/*.tif'), folders, or @list.txt (one path per line).",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output") { Description = "Output folder.", Required = true };
        var threads = PipelineOptions.Threads();
        var precision = PrecisionOption.Create(withDefault: false);
        var command = new Command("segment", "Segment GeoTIFF mosaics with a segmentation pipeline.") { pipeline, weights, inputs, output, threads, precision };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var pipelineFile = parse.GetValue(pipeline)!;
            var config = PipelineOptions.Load<SegmentationPipeline>(pipelineFile);
            if (parse.GetValue(precision) is { } asked) config = config with { Precision = PrecisionOption.Parse(asked).Name() };
            // everything the user typed is checked before the model loads
            var files = InputList.Expand(parse.GetValue(inputs)!);
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            SegmentationPredictor.CheckOutputsSpareInputs(config, files, folder);
            var device = ComputeDevice.Resolve(config.Device, parse.GetValue(threads));
            using var session = SegmentationModels.Load(config, pipelineFile.FullName, parse.GetValue(weights)!.FullName, device);
            foreach (var warning in session.Warnings) Console.Error.WriteLine($"warning: {warning}");
            var predictor = new SegmentationPredictor(config, session);
            // a bad mosaic among many is reported before any is segmented
            foreach (var file in files)
                foreach (var warning in predictor.CheckInput(file.Path)) Console.Error.WriteLine($"warning: {warning}");
            int finished = 0;
            var done = new List<SegmentedInput>();
            using var journal = BatchJournal.Open(folder, JobFingerprint.Of("segmentation", pipelineFile.FullName, parse.GetValue(weights)!.FullName),
                line => Console.Error.WriteLine($"note: {line}"));
            foreach (var file in files)
            {
                if (journal.Finished(file.OutputStem, file.Path) is not null)
                {
                    // finished by an earlier run of this command (same pipeline, weights and input): kept as it is
                    var (classes, probabilities, polygons, preview) = SegmentationPredictor.OutputPaths(config, folder, file.OutputStem);
                    done.Add(new SegmentedInput(file.Path, file.OutputStem, new PredictOutputs(classes, probabilities, polygons, preview, 0, 0)));
                    finished++;
                    Console.WriteLine($"{file.Path}: finished in an earlier run -> {classes}");
                    continue;
                }
                var bar = new PipelineProgress($"{Path.GetFileName(file.Path)} ({finished + 1}/{files.Count})", "tiles");
                PredictOutputs result;
                try { result = predictor.Predict(file.Path, folder, p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token, file.OutputStem); }
                catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
                {
                    throw new OperationCanceledException($"{finished} of {files.Count} input(s) segmented; {file.Path} stopped, its outputs not written");
                }
                finished++;
                done.Add(new SegmentedInput(file.Path, file.OutputStem, result));
                journal.MarkFinished(file.OutputStem, file.Path, result.Polygons.Prepend(result.Probabilities).Prepend(result.Classes).Append(result.Preview).OfType<string>());
                // an all-nodata mosaic gives all-nodata outputs: correct, but rarely what the user meant to segment
                if (result.Tiles == 0) Console.Error.WriteLine($"warning: {file.Path}: every pixel is nodata; its outputs hold only nodata");
                Console.WriteLine($"{file.Path}: {result.Tiles} tiles in {result.Seconds:F1} s -> {result.Classes}");
                foreach (var extra in result.Polygons.Prepend(result.Probabilities).Append(result.Preview))
                    if (extra is not null) Console.WriteLine($"  {extra}");
            }
            var page = SegmentationReport.Write(config, folder, done, $"{pipelineFile.Name} · {parse.GetValue(weights)!.Name} · {DateTime.Now:yyyy-MM-dd HH:mm}");
            Console.WriteLine($"results page: {page}");
            return 0;
        }));
        return command;
    }
}
