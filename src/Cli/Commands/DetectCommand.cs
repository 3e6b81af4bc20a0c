using System.CommandLine;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense detect`: oriented objects in images and rasters of any size. Per input: polygons (georeferenced inputs),
/// a preview and the detections in pixels (<see cref="DetectionsFile"/>); for the whole run: Task1 files in OUTPUT/Task1
/// and, with --dota-submission, the server's zip. An input finished by an earlier run (<see cref="BatchJournal"/>)
/// contributes the detections its file holds, which read back exactly, so a resumed run writes them byte for byte as
/// an uninterrupted run does.
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
        var run = new RunOptions();
        var command = new Command("detect", "Detect oriented objects with a detection pipeline; write Task1 files, polygons and previews.")
            { pipeline, weights, inputs, output, submission };
        foreach (var option in run.All) command.Options.Add(option);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var pipelineFile = parse.GetValue(pipeline)!;
            var config = run.Apply(PipelineOptions.Load<DetectionPipeline>(pipelineFile), parse);
            // everything the user typed is checked before the model loads
            var files = InputList.Expand(parse.GetValue(inputs)!);
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            var zip = parse.GetValue(submission) is { } z ? OutputFolder.PrepareFile(z, files.Select(f => ("--input", f.Path)).ToArray()) : null;
            var device = run.Resolve(config, parse);
            using var model = load(config, pipelineFile.FullName, parse.GetValue(weights)!.FullName, device);
            foreach (var warning in model.Warnings) Console.Error.WriteLine($"warning: {warning}");
            var detector = new DotaDetector(config, model.Detect, model.Device);
            using var journal = BatchJournal.Open(folder,
                JobFingerprint.Of("detection", pipelineFile.FullName, parse.GetValue(weights)!.FullName, RunOptions.Fingerprint(config, device)),
                line => Console.Error.WriteLine($"note: {line}"));
            var progress = new BatchProgress("windows", files.Select(f => (Path.GetFileName(f.Path), BatchProgress.Planned(f.Path, config.Tiling))).ToList());
            var results = new List<DetectOutputs>();
            foreach (var (file, index) in files.Select((f, i) => (f, i)))
            {
                if (journal.Finished(file.OutputStem, file.Path) is not null)
                {
                    // finished by an earlier run of this command: its detections are read back exactly as they were found
                    results.Add(DetectionsFile.Read(DetectionsFile.PathOf(folder, file.OutputStem), folder));
                    progress.Skip(index);
                    Console.WriteLine($"{file.Path}: finished in an earlier run -> {results[^1].Detections.Count} detections");
                    continue;
                }
                DetectOutputs result;
                try { result = detector.Detect(file.Path, folder, file.OutputStem, progress.Input(index), Interruption.Token); }
                catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
                {
                    throw new OperationCanceledException($"{progress.InputsDone} of {files.Count} input(s) done; {file.Path} stopped; no Task1 files written");
                }
                var detections = DetectionsFile.Write(folder, result, config.Model.Classes);
                journal.MarkFinished(file.OutputStem, [file.Path], result.Polygons.Append(result.Preview).Append(detections));
                progress.Finished(index, result.Windows);
                results.Add(result);
                Console.WriteLine($"{file.Path}: {result.Windows} windows in {result.Seconds:F1} s -> {result.Detections.Count} detections");
                foreach (var extra in result.Polygons.Append(result.Preview).Append(detections)) Console.WriteLine($"  {extra}");
            }
            var finished = DetectionRun.Finish(config, folder, results, zip,
                $"{pipelineFile.Name} · {parse.GetValue(weights)!.Name} · {DateTime.Now:yyyy-MM-dd HH:mm}");
            Console.WriteLine($"Task1 files: {finished.Task1Folder}");
            if (finished.Submission is { } written) Console.WriteLine($"DOTA submission: {written}");
            Console.WriteLine($"results page: {finished.Page}");
            return 0;
        }));
        return command;
    }
}
