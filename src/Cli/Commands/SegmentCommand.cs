using System.CommandLine;
using GeoDense.Geo;
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
        var run = new RunOptions();
        var precision = PrecisionOption.Create(withDefault: false);
        var command = new Command("segment", "Segment GeoTIFF mosaics with a segmentation pipeline.") { pipeline, weights, inputs, output, precision };
        foreach (var option in run.All) command.Options.Add(option);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var pipelineFile = parse.GetValue(pipeline)!;
            var config = run.Apply(PipelineOptions.Load<SegmentationPipeline>(pipelineFile), parse);
            if (parse.GetValue(precision) is { } asked) config = config with { Precision = PrecisionOption.Parse(asked).Name() };
            // everything the user typed is checked before the model loads
            var files = InputList.Expand(parse.GetValue(inputs)!);
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            SegmentationPredictor.CheckOutputsSpareInputs(config, files, folder);
            var device = run.Resolve(config, parse);
            using var session = SegmentationModels.Load(config, pipelineFile.FullName, parse.GetValue(weights)!.FullName, device);
            foreach (var warning in session.Warnings) Console.Error.WriteLine($"warning: {warning}");
            var predictor = new SegmentationPredictor(config, session);
            // a bad mosaic among many is reported before any is segmented
            foreach (var file in files)
                foreach (var warning in predictor.CheckInput(file.Path)) Console.Error.WriteLine($"warning: {warning}");
            var done = new List<SegmentedInput>();
            using var journal = BatchJournal.Open(folder,
                JobFingerprint.Of("segmentation", pipelineFile.FullName, parse.GetValue(weights)!.FullName, RunOptions.Fingerprint(config, device)),
                line => Console.Error.WriteLine($"note: {line}"));
            var progress = new BatchProgress("tiles", files.Select(f => (Path.GetFileName(f.Path), BatchProgress.Planned(f.Path, config.Tiling))).ToList());
            foreach (var (file, index) in files.Select((f, i) => (f, i)))
            {
                if (journal.Finished(file.OutputStem, file.Path) is not null)
                {
                    var (classes, probabilities, polygons, preview) = SegmentationPredictor.OutputPaths(config, folder, file.OutputStem);
                    // finished by an earlier run of this command (same pipeline, weights and input): kept as it is
                    done.Add(new SegmentedInput(file.Path, file.OutputStem, new PredictOutputs(classes, probabilities, polygons, preview, 0, 0)));
                    progress.Skip(index);
                    Console.WriteLine($"{file.Path}: finished in an earlier run -> {classes}");
                    continue;
                }
                PredictOutputs result;
                // finished rows of blocks go to the journal as they reach the disk: a killed run is resumed from the last
                var resume = new StitchResume(journal.FinishedBlockRows(file.OutputStem, file.Path),
                    rows => journal.MarkBlockRowsFinished(file.OutputStem, [file.Path], rows));
                try { result = predictor.Predict(file.Path, folder, progress.Input(index), Interruption.Token, file.OutputStem, resume); }
                catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
                {
                    throw new OperationCanceledException($"{progress.InputsDone} of {files.Count} input(s) segmented; {file.Path} stopped, its outputs not written");
                }
                progress.Finished(index, result.Tiles);
                done.Add(new SegmentedInput(file.Path, file.OutputStem, result));
                journal.MarkFinished(file.OutputStem, [file.Path], result.Polygons.Prepend(result.Probabilities).Prepend(result.Classes).Append(result.Preview).OfType<string>());
                // an all-nodata mosaic gives all-nodata outputs: correct, but rarely what the user meant to segment
                if (result.Tiles == 0) Console.Error.WriteLine($"warning: {file.Path}: every pixel is nodata; its outputs hold only nodata");
                if (result.ResumedBlockRows > 0)
                    Console.WriteLine($"{file.Path}: resumed after {result.ResumedBlockRows} row(s) of output blocks finished in an earlier run");
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
