using System.CommandLine;
using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Demo;
using GeoDense.Tasks.Inference;

namespace GeoDense.Cli.Commands.Demo;

/// <summary>
/// `geodense demo`: all three uses on one generated area. Writes the area on two dates (<see cref="DemoArea"/>: a town
/// and a field of oriented objects; date 2 with buildings demolished and built, under another sun) and its truth, trains
/// the three demo models with progress bars (or reuses them), runs segmentation, detection and change detection on the
/// area through the task layer, scores each against the truth, and writes one results page with every layer.
/// </summary>
public static class DemoCommand
{
    const int AreaSeed = 2024;

    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Output folder.", DefaultValueFactory = _ => "demo-output" };
        var retrain = new Option<bool>("--retrain") { Description = "Train the models again even when the folder holds models from an earlier run." };
        var smoke = new Option<bool>("--smoke") { Description = "A reduced run for tests: a small area and a few iterations per model (the metrics mean nothing)." };
        var command = new Command("demo", "Run segmentation, detection and change detection on a generated area (trains small models; writes ./demo-output/).")
            { output, retrain, smoke };
        // the folder is checked before minutes of data generation and training
        command.SetAction(parse => CliErrors.Run(() =>
            Run(OutputFolder.Prepare(parse.GetValue(output)!), parse.GetValue(retrain), parse.GetValue(smoke) ? DemoScale.Smoke : DemoScale.Full)));
        return command;
    }

    static int Run(string folder, bool retrain, DemoScale scale)
    {
        var total = Stopwatch.StartNew();
        var stages = new List<(string, double)>();
        T Stage<T>(string name, Func<T> run)
        {
            var clock = Stopwatch.StartNew();
            var result = run();
            stages.Add((name, clock.Elapsed.TotalSeconds));
            return result;
        }

        var area = new DemoArea(scale.Width, scale.TownRows, scale.FieldRows, AreaSeed, scale.NodataColumns);
        Console.WriteLine($"[1/5] generating a {area.Width}x{area.Height} area on two dates (a town, a field of objects; buildings demolished and built)");
        var (images, date1, date2, truthLabels, truthPreview) = Stage("area", () =>
        {
            var images = area.Render();
            var (date1, date2) = area.WriteDates(images, Path.Combine(folder, "area"));
            var truth = Path.Combine(folder, "truth");
            Directory.CreateDirectory(truth);
            area.WriteRaster(Path.Combine(truth, "change_mask.tif"), images.Change, 1, DemoArea.Unscored);
            var preview = Path.Combine(truth, "classes.png");
            WriteTruePreview(area, images, preview, SegmentationStage.Pipeline(folder, scale).Model.Classes);
            return (images, date1, date2, DetectionStage.WriteTruth(truth, images), preview);
        });

        Console.WriteLine("[2/5] segmentation: lemevit-nano + UperNet");
        var segmentation = Stage("segmentation", () => SegmentationStage.Run(folder, scale, date1, images, retrain));
        Console.WriteLine("[3/5] detection: lemevit-nano + Oriented R-CNN");
        var detection = Stage("detection", () => DetectionStage.Run(folder, scale, date1, truthLabels, retrain));
        Console.WriteLine("[4/5] change detection: lemevit-nano + BIT");
        var change = Stage("change", () => ChangeStage.Run(folder, scale, date1, date2, images, retrain));

        Console.WriteLine("[5/5] results page");
        var metrics = new DemoMetrics(segmentation.Metrics, detection.Metrics, change.Metrics, stages);
        var page = DemoReport.Write(folder, SegmentationStage.Pipeline(folder, scale), DetectionStage.Pipeline(folder, scale),
            ChangeStage.Pipeline(folder, scale),
            new DemoResults(date1, date2, segmentation.Outputs, detection.Outputs, change.Outputs, truthPreview, metrics));

        Console.WriteLine();
        Console.WriteLine("Outputs:");
        foreach (var file in new[] { date1, date2, segmentation.Outputs.Classes }.Concat(segmentation.Outputs.Polygons)
                     .Concat(detection.Outputs.Polygons).Append(detection.Zip)
                     .Append(change.Outputs.ChangeMap).Concat(change.Outputs.Polygons).Append(change.Outputs.Summary))
            Console.WriteLine($"  {DemoModel.Shown(file)}");
        Console.WriteLine();
        Console.WriteLine("Run the models on your own rasters:");
        foreach (var line in Commands(folder)) Console.WriteLine($"  {line}");
        Console.WriteLine();
        Console.WriteLine(metrics.ToTable());
        Console.WriteLine($"results page: {DemoModel.Shown(page)} (open it in a browser, or run: ./geodense view {DemoModel.Shown(folder)})");
        Console.WriteLine($"demo finished in {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>The three commands that run the demo's models on other rasters.</summary>
    static IEnumerable<string> Commands(string folder)
    {
        string Model(string task) => $"--pipeline {DemoModel.Shown(new DemoModel(folder, task).PipelinePath)} --weights {DemoModel.Shown(new DemoModel(folder, task).WeightsPath)}";
        yield return $"./geodense segment {Model("segmentation")} --input 'mosaics/*.tif' --output out/segmentation";
        yield return $"./geodense detect {Model("detection")} --input scene.tif --output out/detection --dota-submission out/Task1.zip";
        yield return $"./geodense change {Model("change")} --before 2019.tif --after 2021.tif --output out/change";
    }

    /// <summary>The area's true classes drawn like the predicted class map (same palette and legend), to compare by eye.</summary>
    static void WriteTruePreview(DemoArea area, DemoAreaImages images, string path, IReadOnlyList<string> classNames)
    {
        using var labels = Raster.CreateInMemory(new RasterSpec(area.Width, area.Height, 1, RasterDataType.Byte));
        labels.Write<byte>(PixelWindow.Full(area.Width, area.Height), [1], images.Classes);
        PngPreview.WriteClassMap(labels, path, classNames);
    }
}
