using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Demo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands.Demo;

/// <summary>
/// The demo's change detection: lemevit-nano + BIT (pipelines/demo-change.yaml) trained on CDD-format crops of demo
/// areas of other seeds, then the change map between the area's two dates (COG, polygons, preview, summary), scored
/// against the true change (buildings demolished or built).
/// </summary>
public static class ChangeStage
{
    /// <summary>Seeds of the training and validation areas: any but the demo area's.</summary>
    const int TrainSeed = 100, ValSeed = 200, Crop = 64;

    public static ChangePipeline Pipeline(string folder, DemoScale scale)
    {
        var data = Path.Combine(folder, "data", "change");
        var config = PipelineFile.Load<ChangePipeline>(DemoModel.FindPipeline("demo-change.yaml"));
        var train = config.Train!;
        return config with
        {
            Train = train with
            {
                Data = train.Data with { Root = Path.Combine(data, "train") },
                Val = train.Val is { } val ? val with { Root = Path.Combine(data, "val") } : null,
                WorkDir = new DemoModel(folder, "change").WorkDir,
                Iterations = scale.Iterations ?? train.Iterations,
                ValidateEvery = scale.Iterations ?? train.ValidateEvery,
                CheckpointEvery = scale.Iterations ?? train.CheckpointEvery,
            },
        };
    }

    public static (ChangeMapOutputs Outputs, ChangeMetrics Metrics) Run(string folder, DemoScale scale, string date1, string date2,
        DemoAreaImages truth, bool retrain)
    {
        var pipeline = Pipeline(folder, scale);
        var model = new DemoModel(folder, "change");
        var device = ComputeDevice.Resolve(pipeline.Device);
        if (retrain || !model.CanReuse(pipeline))
        {
            var train = pipeline.Train!;
            foreach (var root in new[] { train.Data.Root, train.Val?.Root })
                if (root is not null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
            int pairs = DemoChangePairs.WriteCdd(train.Data.Root, Enumerable.Range(TrainSeed, scale.ChangeAreas), scale.ChangeAreaSize, Crop);
            if (train.Val is { } val) DemoChangePairs.WriteCdd(val.Root, [ValSeed], scale.ChangeAreaSize, Crop);
            Console.WriteLine($"      training {pipeline.Model.Backbone} + BIT for {train.Iterations} iterations (batch {train.BatchSize}) on {pairs} pairs of {Crop}² crops");
            model.StartTraining();
            var result = new ChangeTrainer(pipeline, train.WorkDir, device, TrainCommand.Report(new PipelineProgress("train change", "it")))
                .Run(resume: false, Interruption.Token);
            model.Keep(pipeline, result.Weights);
        }
        else Console.WriteLine($"      reusing {DemoModel.Shown(model.WeightsPath)} (--retrain trains again)");

        using var session = ChangeModels.Load(pipeline, model.PipelinePath, model.WeightsPath, device);
        var prepared = ChangeMapPredictor.PrepareAll(pipeline, ChangeMapPairs.Single(date1, date2));
        try
        {
            var bar = new PipelineProgress("change", "tiles");
            var outputs = new ChangeMapPredictor(pipeline, session.Model.Forward, session.Device)
                .PredictAll(prepared, Path.Combine(folder, "change"), p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token)[0];
            return (outputs, Score(outputs.ChangeMap, truth));
        }
        finally
        {
            foreach (var pair in prepared) pair.Dispose();
        }
    }

    /// <summary>The change map against the true change; the nodata strip is not scored.</summary>
    static ChangeMetrics Score(string changeMap, DemoAreaImages truth)
    {
        using var map = Raster.Open(changeMap);
        var predicted = map.Read<byte>(PixelWindow.Full(truth.Width, truth.Height), [1]);
        var scores = new ChangeScores();
        scores.AddBatch(predicted, truth.Change);
        return scores.Metrics();
    }
}
