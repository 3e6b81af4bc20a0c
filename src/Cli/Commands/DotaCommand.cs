using System.CommandLine;
using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense dota split|merge`: DOTA_devkit-style patches on disk, and patch-level Task1 results merged to image level.</summary>
public static class DotaCommand
{
    public static Command Create() => new("dota", "DOTA tools: cut images into patches, merge patch-level Task1 results.") { Split(), Merge() };

    static Command Split()
    {
        var images = new Option<string>("--images") { Description = "Folder of DOTA images (PNG, TIFF, JPEG).", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Folder of DOTA label files (labelTxt); patches get label files too." };
        var output = new Option<string>("--output") { Description = "Output folder: images/ and labelTxt/.", Required = true };
        var size = new Option<int>("--size") { Description = "Patch size in pixels.", DefaultValueFactory = _ => 1024 };
        var gap = new Option<int>("--gap") { Description = "Overlap of neighbouring patches (200; 500 for multi-scale).", DefaultValueFactory = _ => 200 };
        var rates = new Option<double[]>("--rates") { Description = "Scale rates (1.0; multi-scale: 0.5 1.0 1.5).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [1.0] };
        var skipEmpty = new Option<bool>("--skip-empty") { Description = "Leave out patches without objects (training sets)." };
        var command = new Command("split", "Cut DOTA images into {image}__{rate}__{left}___{up} patches (BboxToolkit's cut-object policy).")
            { images, labels, output, size, gap, rates, skipEmpty };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            int s = parse.GetValue(size), g = parse.GetValue(gap);
            if (s <= 0) throw new UserInputException($"--size: {s} must be positive");
            if (g < 0 || g >= s) throw new UserInputException($"--gap: {g} must be in 0..{s - 1} (below --size)");
            var r = parse.GetValue(rates)!;
            if (r.Length == 0 || r.Any(x => !(x > 0) || double.IsInfinity(x))) throw new UserInputException("--rates: give positive numbers, e.g. 0.5 1.0 1.5");
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            var options = new DotaPatchOptions(GridOptions.FromGap(s, g) with { Scales = r }, new InputSection().Mean, SkipEmpty: parse.GetValue(skipEmpty));
            var bar = new PipelineProgress("split", "images");
            var result = DotaSplitter.Split(parse.GetValue(images)!, parse.GetValue(labels), folder, options,
                (done, total) => bar.Report(done, total, 0), Interruption.Token);
            Console.WriteLine($"{result.Images} image(s) -> {result.Patches} patches, {result.Objects} objects in {folder}");
            return 0;
        }));
        return command;
    }

    static Command Merge()
    {
        var input = new Option<string>("--input") { Description = "Patch-level Task1 results: a folder or zip of Task1_<class>.txt.", Required = true };
        var output = new Option<string>("--output") { Description = "Folder for the image-level Task1_<class>.txt files.", Required = true };
        var zip = new Option<string?>("--zip") { Description = "Also write the submission zip here." };
        var iou = new Option<double>("--iou")
        {
            Description = "Per-class rotated NMS IoU (default 0.5, the pipelines' model.merge_nms_iou; DOTA_devkit uses 0.1).",
            DefaultValueFactory = _ => 0.5,
        };
        var command = new Command("merge", "Merge patch-level Task1 results into image-level results (offsets, scale, per-class rotated NMS).")
            { input, output, zip, iou };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            double threshold = parse.GetValue(iou);
            if (!(threshold > 0 && threshold <= 1)) throw new UserInputException($"--iou: {threshold} must be in (0, 1]");
            // the input is read first: a wrong --input leaves no empty output folder behind
            var patches = Task1Submission.Read(parse.GetValue(input)!);
            var folder = OutputFolder.Prepare(parse.GetValue(output)!);
            var zipPath = parse.GetValue(zip) is { } z ? OutputFolder.PrepareFile(z, ("--input", parse.GetValue(input)!)) : null;
            var merged = DotaMerger.Merge(patches, threshold);
            var classes = merged.Keys.Order(StringComparer.Ordinal).ToList();
            Task1Submission.WriteFolder(folder, classes, merged);
            if (zipPath is not null) Task1Submission.WriteZip(zipPath, classes, merged);
            Console.WriteLine($"{patches.Values.Sum(d => d.Count)} patch detections -> {merged.Values.Sum(d => d.Count)} in " +
                $"{merged.Values.SelectMany(d => d).Select(d => d.Image).Distinct().Count()} image(s): {folder}" + (zipPath is null ? "" : $", {zipPath}"));
            return 0;
        }));
        return command;
    }
}
