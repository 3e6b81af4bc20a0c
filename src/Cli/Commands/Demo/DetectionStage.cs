using GeoDense.Tasks.Demo;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands.Demo;

/// <summary>
/// The demo's detection: lemevit-nano + reduced Oriented R-CNN (pipelines/demo-detection.yaml) trained on generated
/// oriented-object scenes, then the whole area detected (boxes as GeoJSON, a preview, Task1 files and the DOTA
/// submission zip) and the zip scored against the area's true objects by the DOTA Task1 evaluation.
/// </summary>
public static class DetectionStage
{
    /// <summary>The Task1 image name of the area (the truth's labelTxt file is named after it).</summary>
    const string ImageName = "area";

    /// <summary>Seeds of the training and validation areas (any but the demo area's), and their town's height.</summary>
    const int TrainSeed = 300, ValSeed = 400, TownStrip = 256;

    public static DetectionPipeline Pipeline(string folder, DemoScale scale)
    {
        var data = Path.Combine(folder, "data", "detection");
        var config = PipelineFile.Load<DetectionPipeline>(DemoModel.FindPipeline("demo-detection.yaml"));
        var train = config.Train!;
        int iterations = scale.Iterations ?? train.Iterations;
        return config with
        {
            Train = train with
            {
                Data = train.Data with { Root = Path.Combine(data, "train") },
                Val = train.Val is { } val ? val with { Root = Path.Combine(data, "val") } : null,
                WorkDir = new DemoModel(folder, "detection").WorkDir,
                Iterations = iterations,
                Schedule = scale.Iterations is null ? train.Schedule : train.Schedule with { Steps = [iterations - 1], WarmupIters = 0 },
                ValidateEvery = scale.Iterations ?? train.ValidateEvery,
                CheckpointEvery = scale.Iterations ?? train.CheckpointEvery,
            },
        };
    }

    public static (DetectOutputs Outputs, string Zip, DotaEvaluationResult Metrics) Run(string folder, DemoScale scale, string date1,
        string truthLabels, bool retrain)
    {
        var pipeline = Pipeline(folder, scale);
        var model = new DemoModel(folder, "detection");
        var device = ComputeDevice.Resolve(pipeline.Device);
        if (retrain || !model.CanReuse(pipeline))
        {
            var train = pipeline.Train!;
            // the learning test's scenes of objects on open ground, and demo areas of other seeds (a town strip with its
            // cars next to the field of objects); one more such area to validate on
            foreach (var root in new[] { train.Data.Root, train.Val?.Root })
                if (root is not null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
            SyntheticObjects.WriteDataset(train.Data.Root, count: scale.DetectionScenes, size: 256, objectsPerImage: 6, seed: 11);
            DemoObjectScenes.WriteDota(train.Data.Root, Enumerable.Range(TrainSeed, scale.DetectionAreas), scale.Width / 2, TownStrip, scale.FieldRows);
            if (train.Val is { } val) DemoObjectScenes.WriteDota(val.Root, [ValSeed], scale.Width / 2, TownStrip, scale.FieldRows);
            Console.WriteLine($"      training {pipeline.Model.Backbone} + Oriented R-CNN for {train.Iterations} iterations (batch {train.BatchSize})");
            model.StartTraining();
            var result = new DetectionTrainer(pipeline, train.WorkDir, device, TrainCommand.Report(new PipelineProgress("train detection", "it")))
                .Run(resume: false, Interruption.Token);
            model.Keep(pipeline, result.Weights);
        }
        else Console.WriteLine($"      reusing {DemoModel.Shown(model.WeightsPath)} (--retrain trains again)");

        var output = Path.Combine(folder, "detection");
        using var session = DetectionModels.Load(pipeline, model.PipelinePath, model.WeightsPath, device);
        var detector = new DotaDetector(pipeline, DetectionEvaluator.WindowDetector(session.Model), session.Device);
        var bar = new PipelineProgress("detect", "windows");
        var outputs = detector.Detect(date1, output, ImageName, p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token);
        var task1 = DotaDetector.ToTask1(pipeline.Model.Classes, [outputs]);
        Task1Submission.WriteFolder(Path.Combine(output, "Task1"), pipeline.Model.Classes, task1);
        var zip = Path.Combine(output, "Task1.zip");
        Task1Submission.WriteZip(zip, pipeline.Model.Classes, task1);

        // scored as the evaluation server would: the zip read back against the true objects
        var truth = new Dictionary<string, DotaLabels> { [ImageName] = DotaLabelFile.Read(truthLabels) };
        return (outputs, zip, DotaEvaluation.Evaluate(truth, Task1Submission.Read(zip), pipeline.Model.Classes));
    }

    /// <summary>The area's objects in DOTA's labelTxt form, named after the area's Task1 image name.</summary>
    public static string WriteTruth(string truthFolder, DemoAreaImages images)
    {
        var path = Path.Combine(truthFolder, "labelTxt", ImageName + ".txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        GeoDense.IO.AtomicFile.WriteAllText(path, DotaLabelFile.Format(new DotaLabels(null, null, images.Objects)));
        return path;
    }
}
