using System.CommandLine;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense segment`: class COG (+ probabilities, polygons, PNG preview) for any number of mosaics.</summary>
public static class SegmentCommand
{
    public static Command Create()
    {
        var pipeline = PipelineOptions.Pipeline();
        var weights = PipelineOptions.Weights();
        var inputs = new Option<string[]>("--input") { Description = "Input rasters (files or globs such as 'tiles/*.tif').", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--output") { Description = "Output directory.", Required = true };
        var threads = PipelineOptions.Threads();
        var command = new Command("segment", "Segment GeoTIFF mosaics with a segmentation pipeline.") { pipeline, weights, inputs, output, threads };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var config = PipelineOptions.Load(parse.GetValue(pipeline)!, "segmentation");
            var device = PipelineOptions.Device(config, parse.GetValue(threads));
            var files = ExpandInputs(parse.GetValue(inputs)!);
            using var model = SegmentationModels.Create(config);
            SegmentationWeights.Load(model, parse.GetValue(weights)!.FullName);
            model.To(device);
            model.Eval();
            var predictor = new SegmentationPredictor(config, model, device);
            // a bad mosaic among many is reported before any is segmented
            foreach (var file in files) predictor.CheckInput(file);
            InputWarnings.WarnIfNotGeoreferenced(files);
            int finished = 0;
            foreach (var file in files)
            {
                var bar = new PipelineProgress(Path.GetFileName(file), "tiles");
                // until the predictor takes Interruption.Token itself, its progress callback is where a signal is noticed
                var result = predictor.Predict(file, parse.GetValue(output)!.FullName, p =>
                {
                    Interruption.ThrowIfStopped(() => $"{finished} of {files.Count} input(s) segmented; {file} stopped at {p.Done} of {p.Total} tiles, its outputs not written");
                    bar.Report(p.Done, p.Total, p.TilesPerSecond);
                });
                finished++;
                Console.WriteLine($"{file}: {result.Tiles} tiles in {result.Seconds:F1} s -> {result.Classes}");
                foreach (var extra in new[] { result.Probabilities, result.Polygons, result.Preview })
                    if (extra is not null) Console.WriteLine($"  {extra}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Files as given, and globs (`*`, `?` in the file name) expanded in sorted order.</summary>
    public static List<string> ExpandInputs(IEnumerable<string> patterns)
    {
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            var name = Path.GetFileName(pattern);
            if (name.IndexOfAny(['*', '?']) < 0) { files.Add(pattern); continue; }
            var dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
            var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, name).Order(StringComparer.Ordinal).ToList() : [];
            if (matches.Count == 0) throw new UserInputException($"--input {pattern}: no file matches");
            files.AddRange(matches);
        }
        return files;
    }
}
