using System.CommandLine;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense detect`: oriented objects in images and rasters of any size. Per input: polygons (georeferenced inputs)
/// and a preview; for the whole run: Task1 files in OUTPUT/Task1 and, with --dota-submission, the server's zip.
/// The model comes from <paramref name="load"/> (see <see cref="DetectorLoader"/>).
/// </summary>
public static class DetectCommand
{
    public static Command Create(DetectorLoader load)
    {
        var pipeline = PipelineOptions.Pipeline();
        var weights = PipelineOptions.Weights();
        var inputs = new Option<string[]>("--input")
        {
            Description = "Input images or rasters: files, globs ('images/*.png'), folders, or @list.txt (one path per line).",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output") { Description = "Output folder.", Required = true };
        var submission = new Option<string?>("--dota-submission") { Description = "Also write the DOTA Task1 submission zip here." };
        var threads = PipelineOptions.Threads();
        var command = new Command("detect", "Detect oriented objects with a detection pipeline; write Task1 files, polygons and previews.")
            { pipeline, weights, inputs, output, submission, threads };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var pipelineFile = parse.GetValue(pipeline)!;
            var config = PipelineOptions.Load<DetectionPipeline>(pipelineFile);
            // everything the user typed is checked before the model loads
            var files = InputList.Expand(parse.GetValue(inputs)!);
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            var zip = parse.GetValue(submission) is { } z ? OutputFolder.PrepareFile(z, files.Select(f => ("--input", f.Path)).ToArray()) : null;
            var device = ComputeDevice.Resolve(config.Device, parse.GetValue(threads));
            using var model = load(config, pipelineFile.FullName, parse.GetValue(weights)!.FullName, device);
            foreach (var warning in model.Warnings) Console.Error.WriteLine($"warning: {warning}");
            var detector = new DotaDetector(config, model.Detect, model.Device);
            var results = new List<DetectOutputs>();
            foreach (var file in files)
            {
                var bar = new PipelineProgress($"{Path.GetFileName(file.Path)} ({results.Count + 1}/{files.Count})", "windows");
                DetectOutputs result;
                try { result = detector.Detect(file.Path, folder, file.OutputStem, p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token); }
                catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
                {
                    throw new OperationCanceledException($"{results.Count} of {files.Count} input(s) done; {file.Path} stopped; no Task1 files written");
                }
                results.Add(result);
                Console.WriteLine($"{file.Path}: {result.Windows} windows in {result.Seconds:F1} s -> {result.Detections.Count} detections");
                foreach (var extra in result.Polygons.Append(result.Preview)) Console.WriteLine($"  {extra}");
            }
            var run = DetectionRun.Finish(config, folder, results, zip,
                $"{pipelineFile.Name} · {parse.GetValue(weights)!.Name} · {DateTime.Now:yyyy-MM-dd HH:mm}");
            Console.WriteLine($"Task1 files: {run.Task1Folder}");
            if (run.Submission is { } written) Console.WriteLine($"DOTA submission: {written}");
            Console.WriteLine($"results page: {run.Page}");
            return 0;
        }));
        return command;
    }
}
