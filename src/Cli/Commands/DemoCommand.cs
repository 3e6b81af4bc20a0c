using System.CommandLine;
using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense demo`: the segmentation slice end to end on generated data. Writes Potsdam-format training tiles
/// (RGB ortho + RGB-coded labels), trains lemevit-nano + UperNet with pipelines/demo-segmentation.yaml (a couple
/// of minutes on 2 cores; reused on the next run), segments a held-out georeferenced scene with a nodata strip
/// and writes the class COG, polygons and PNG previews, then scores the result against the scene's true labels.
/// </summary>
public static class DemoCommand
{
    const int SceneWidth = 1536, SceneHeight = 1024, SceneSeed = 2024, NodataColumns = 96;

    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Output folder.", DefaultValueFactory = _ => "demo-output" };
        var retrain = new Option<bool>("--retrain") { Description = "Train again even when the folder holds weights from an earlier run." };
        var command = new Command("demo", "Run the end-to-end demo on synthetic data (writes ./demo-output/).") { output, retrain };
        // the folder is checked before minutes of data generation and training
        command.SetAction(parse => CliErrors.Run(() => Run(OutputFolder.Prepare(parse.GetValue(output)!), parse.GetValue(retrain))));
        return command;
    }

    static int Run(string folder, bool retrain)
    {
        var clock = Stopwatch.StartNew();
        var data = Path.Combine(folder, "data");
        var pipeline = DemoPipeline(data, Path.Combine(folder, "segmentation"));
        var train = pipeline.Train!;

        Console.WriteLine($"[1/4] generating Potsdam-format tiles under {data}");
        foreach (var (id, size, seed) in new[] { ("1_1", 512, 11), ("1_2", 512, 12), ("9_9", 400, 99) })
            if (!File.Exists(Path.Combine(data, "2_Ortho_RGB", $"top_potsdam_{id}_RGB.tif")))
                SyntheticPotsdam.WriteTile(data, id, size, size, seed);
        var scene = Path.Combine(folder, "scene.tif");
        SyntheticPotsdam.WriteMosaic(scene, SceneWidth, SceneHeight, SceneSeed, NodataColumns, GeoTiffOptions.CloudOptimized);

        var weights = Path.Combine(train.WorkDir, TrainingLoop.WeightsFile);
        var device = ComputeDevice.Resolve(pipeline.Device);
        if (retrain || !File.Exists(weights))
        {
            Console.WriteLine($"[2/4] training {pipeline.Model.Backbone} + UperNet for {train.Iterations} iterations (batch {train.BatchSize}, crops {train.Augment.CropSize})");
            if (Directory.Exists(train.WorkDir)) Directory.Delete(train.WorkDir, recursive: true);   // the demo owns its folder
            var result = new SegmentationTrainer(pipeline, train.WorkDir, device, TrainCommand.Report(new PipelineProgress("train", "it")))
                .Run(resume: false, Interruption.Token);
            if (result.Validation is { } v) Console.WriteLine($"      held-out tile 9_9: mIoU {v.MeanIoU:F3}, mF1 {v.MeanF1:F3}, OA {v.OverallAccuracy:F3}");
        }
        else Console.WriteLine($"[2/4] reusing {weights} (pass --retrain to train again)");

        Console.WriteLine($"[3/4] segmenting {scene} ({SceneWidth}x{SceneHeight}, nodata strip of {NodataColumns} columns)");
        using var session = SegmentationModels.Load(pipeline, "pipelines/demo-segmentation.yaml", weights, device);
        var segmentBar = new PipelineProgress("segment", "tiles");
        var outputs = new SegmentationPredictor(pipeline, session)
            .Predict(scene, Path.Combine(folder, "output"), p => segmentBar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token);

        Console.WriteLine("[4/4] scoring the class map against the scene's true labels");
        var metrics = ScoreScene(outputs.Classes, pipeline);
        Console.WriteLine(metrics.ToTable());
        var truth = Path.Combine(folder, "scene_labels.png");
        WriteTruePreview(truth, pipeline.Model.Classes);
        var rgb = Path.Combine(folder, "scene.png");
        using (var raster = Raster.Open(scene)) PngPreview.WriteRgb(raster, rgb);
        var page = SegmentationReport.Write(pipeline, Path.Combine(folder, "output"),
            [new SegmentedInput(scene, Path.GetFileNameWithoutExtension(scene), outputs)], "demo on a synthetic town", metrics);

        Console.WriteLine();
        foreach (var file in new[] { scene, rgb, truth, outputs.Classes }.Concat(outputs.Polygons).Concat([outputs.Preview, Path.Combine(train.WorkDir, "curves.png"), weights]))
            if (file is not null) Console.WriteLine($"  {Path.GetRelativePath(Environment.CurrentDirectory, file)}");
        Console.WriteLine($"results page: {Path.GetRelativePath(Environment.CurrentDirectory, page)} (open it in a browser, or run: geodense view {Path.GetRelativePath(Environment.CurrentDirectory, Path.GetDirectoryName(page)!)})");
        Console.WriteLine($"demo finished in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>pipelines/demo-segmentation.yaml (found next to the build or the working directory) with paths under the demo folder.</summary>
    static SegmentationPipeline DemoPipeline(string data, string workDir)
    {
        var file = FindPipeline("demo-segmentation.yaml");
        var config = PipelineFile.Load<SegmentationPipeline>(file);
        var train = config.Train ?? throw new UserInputException($"{file}: the demo pipeline needs a train section");
        return config with
        {
            Train = train with
            {
                Data = train.Data with { Root = data },
                Val = train.Val is { } val ? val with { Root = data } : null,
                WorkDir = workDir,
            },
        };
    }

    static string FindPipeline(string name)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "pipelines", name))) return Path.Combine(dir.FullName, "pipelines", name);
        throw new UserInputException($"pipelines/{name} not found above {Environment.CurrentDirectory}; run the demo from the repository");
    }

    static SegmentationMetrics ScoreScene(string classPath, SegmentationPipeline pipeline)
    {
        var (_, _, _, truth) = SyntheticTown.Generate(SceneWidth, SceneHeight, SceneSeed).RenderAll();
        using var classes = Raster.Open(classPath);
        var predicted = classes.Read<byte>(PixelWindow.Full(SceneWidth, SceneHeight), [1]);
        int scored = pipeline.Model.ScoredClassCount();
        for (int i = 0; i < truth.Length; i++)
        {
            if (i % SceneWidth < NodataColumns || truth[i] >= scored) truth[i] = 255;   // nodata strip and clutter are not scored
            if (predicted[i] >= scored) predicted[i] = 0;                              // (nodata predictions sit on unscored pixels)
        }
        var matrix = new ConfusionMatrix(scored);
        matrix.Add(predicted, truth);
        return matrix.Metrics(pipeline.Model.Classes);
    }

    /// <summary>The scene's true labels drawn like the predicted class map (same palette and legend), to compare by eye.</summary>
    static void WriteTruePreview(string path, IReadOnlyList<string> classNames)
    {
        var (_, _, _, truth) = SyntheticTown.Generate(SceneWidth, SceneHeight, SceneSeed).RenderAll();
        using var labels = Raster.CreateInMemory(new RasterSpec(SceneWidth, SceneHeight, 1, RasterDataType.Byte));
        labels.Write<byte>(PixelWindow.Full(SceneWidth, SceneHeight), [1], truth);
        PngPreview.WriteClassMap(labels, path, classNames);
    }
}
