using GeoDense.Geo;
using GeoDense.Tasks.Demo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Cli.Commands.Demo;

/// <summary>
/// The demo's segmentation: lemevit-nano + UperNet (pipelines/demo-segmentation.yaml) trained on generated
/// Potsdam-format town tiles, then the area's date 1 segmented (class COG, polygons, preview) and scored on the town.
/// </summary>
public static class SegmentationStage
{
    /// <summary>The Potsdam tile id of the town-and-field tile (listed in the demo pipeline's train tiles) and its seed.</summary>
    const string FieldTileId = "2_1";
    const int FieldTileSeed = 21;

    public static SegmentationPipeline Pipeline(string folder, DemoScale scale)
    {
        var data = Path.Combine(folder, "data", "segmentation");
        var model = new DemoModel(folder, "segmentation");
        var config = PipelineFile.Load<SegmentationPipeline>(DemoModel.FindPipeline("demo-segmentation.yaml"));
        var train = config.Train!;
        return config with
        {
            Train = train with
            {
                Data = train.Data with { Root = data },
                Val = train.Val is { } val ? val with { Root = data } : null,
                WorkDir = model.WorkDir,
                Iterations = scale.Iterations ?? train.Iterations,
                ValidateEvery = scale.Iterations ?? train.ValidateEvery,
                CheckpointEvery = scale.Iterations ?? train.CheckpointEvery,
            },
        };
    }

    public static (PredictOutputs Outputs, SegmentationMetrics Metrics) Run(string folder, DemoScale scale, string date1, DemoAreaImages truth, bool retrain)
    {
        var pipeline = Pipeline(folder, scale);
        var model = new DemoModel(folder, "segmentation");
        var device = ComputeDevice.Resolve(pipeline.Device);
        if (retrain || !model.CanReuse(pipeline))
        {
            var train = pipeline.Train!;
            foreach (var (id, size, seed) in scale.SegmentationTiles)
                SyntheticPotsdam.WriteTile(train.Data.Root, id, size, size, seed);
            // and a demo area of another seed, so that the field and its objects are no surprise
            int tile = scale.SegmentationTiles[0].Size;
            new DemoArea(tile, tile / 2, tile / 2, FieldTileSeed).WritePotsdamTile(train.Data.Root, FieldTileId);
            Console.WriteLine($"      training {pipeline.Model.Backbone} + UperNet for {train.Iterations} iterations (batch {train.BatchSize}, crops {train.Augment.CropSize})");
            model.StartTraining();
            var result = new SegmentationTrainer(pipeline, train.WorkDir, device, TrainCommand.Report(new PipelineProgress("train segmentation", "it")))
                .Run(resume: false, Interruption.Token);
            model.Keep(pipeline, result.Weights);
        }
        else Console.WriteLine($"      reusing {DemoModel.Shown(model.WeightsPath)} (--retrain trains again)");

        using var session = SegmentationModels.Load(pipeline, model.PipelinePath, model.WeightsPath, device);
        var bar = new PipelineProgress("segment", "tiles");
        var outputs = new SegmentationPredictor(pipeline, session)
            .Predict(date1, Path.Combine(folder, "segmentation"), p => bar.Report(p.Done, p.Total, p.TilesPerSecond), Interruption.Token);
        return (outputs, Score(outputs.Classes, pipeline, truth));
    }

    /// <summary>The class map against the area's true classes; clutter (the objects too) and the nodata strip are not scored.</summary>
    static SegmentationMetrics Score(string classPath, SegmentationPipeline pipeline, DemoAreaImages truth)
    {
        using var classes = Raster.Open(classPath);
        var predicted = classes.Read<byte>(PixelWindow.Full(truth.Width, truth.Height), [1]);
        var labels = (byte[])truth.Classes.Clone();
        int scored = pipeline.Model.ScoredClassCount();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= scored) labels[i] = 255;
            if (predicted[i] >= scored) predicted[i] = 0;   // (nodata predictions sit on unscored pixels)
        }
        var matrix = new ConfusionMatrix(scored);
        matrix.Add(predicted, labels);
        return matrix.Metrics(pipeline.Model.Classes);
    }
}
