using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Torch;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// The reference test protocol over whole labelled rasters: mmseg's `mode='slide'` (tile and stride of the pipeline,
/// last window moved back to the edge, logits summed where windows overlap, argmax), scored against the labels in a
/// confusion matrix. Runs on the shared <see cref="TiledRunner"/> and blends with the <see cref="StreamingStitcher"/>
/// (average blend on logits: the argmax of mmseg's mean), which hands finished row blocks straight to the scorer,
/// so whole Potsdam tiles never sit in memory as logits.
/// </summary>
public sealed class SegmentationEvaluator(SegmentationModel model, TileInference inference, int tileSize, int stride, int batchSize,
    int[] bands, byte ignoreIndex)
{
    public ConfusionMatrix Evaluate(IReadOnlyList<LabelledRaster> rasters, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int scored = model.NumClasses;
        var matrix = new ConfusionMatrix(scored);
        using var labels = new LabelledWindowReader(rasters, bands, ignoreIndex, scored);
        for (int r = 0; r < rasters.Count; r++)
        {
            int raster = r;
            var (width, height) = labels.Size(raster);
            var windows = WindowGrid.Create(width, height, new GridOptions(tileSize, stride, PadSmallRasters: false));
            long labelled = 0;
            var options = new StitcherOptions(scored, BlendMode.Average, ClassSink: (block, classes) =>
            {
                var truth = labels.ReadLabels(raster, block);
                foreach (var t in truth) if (t < scored) labelled++;
                matrix.Add(classes, truth);
            });
            using var stitcher = new StreamingStitcher(new RasterGrid(width, height), windows, options);
            var source = new RasterWindows(rasters[raster].Image, windows, new Geo.TilerOptions(bands, batchSize, NodataAsPad: false));
            TiledRunner.Run(source,
                batch => inference.Run(batch.Data, batch.Count, batch.Channels, batch.Height, batch.Width),
                (batch, logits) =>
                {
                    int per = scored * batch.Height * batch.Width;
                    for (int i = 0; i < batch.Count; i++) stitcher.AddScores(batch.Windows[i], logits.AsSpan(i * per, per));
                },
                progress, cancellationToken);
            stitcher.Complete();
            if (labelled == 0)
                throw new SegmentationInputException($"{rasters[raster].Label}: no pixel matches a class of the pipeline " +
                    (rasters[raster].Coding == LabelCoding.PotsdamRgb ? "(Potsdam colours: white, blue, cyan, green, yellow; red clutter and black are ignored)" : $"(values 0..{scored - 1})"));
        }
        return matrix;
    }

    /// <summary>
    /// `geodense eval segmentation`: the pipeline's validation split (or its training data format) on
    /// <paramref name="dataRoot"/>, scored with the given weights.
    /// </summary>
    public static SegmentationMetrics EvaluateWeights(Pipelines.SegmentationPipeline pipeline, string pipelineSource, string weights, string dataRoot,
        Device device, Action<InferenceProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(dataRoot)) throw new SegmentationInputException("--data: the path is empty; give a dataset folder");
        if (File.Exists(dataRoot)) throw new SegmentationInputException($"{dataRoot}: is a file; --data needs a dataset folder");
        if (!Directory.Exists(dataRoot)) throw new SegmentationInputException($"{dataRoot}: data folder not found");
        var split = pipeline.Train?.Val ?? pipeline.Train?.Data ?? new Pipelines.DataSection { Format = "potsdam", Root = dataRoot };
        var rasters = SegmentationData.Find(split with { Root = dataRoot });
        using var session = SegmentationModels.Load(pipeline, pipelineSource, weights, device);
        return For(pipeline, session.Model, device, session.Precision).Evaluate(rasters, progress, cancellationToken).Metrics(pipeline.Model.Classes);
    }

    /// <summary>The evaluator a segmentation pipeline describes (its tiling, bands and ignore index). <paramref name="precision"/>:
    /// a session's (<see cref="InferenceSession{TModel}.Precision"/>); validation during training stays fp32.</summary>
    public static SegmentationEvaluator For(Pipelines.SegmentationPipeline pipeline, SegmentationModel model, Device device, Precision precision = Precision.Fp32) =>
        new(model, new TileInference(model, [.. pipeline.Input.Mean], [.. pipeline.Input.Std], device, precision), pipeline.Tiling.Size,
            pipeline.Tiling.Stride, pipeline.Tiling.BatchSize, [.. pipeline.Input.Bands], (byte)pipeline.Model.IgnoreIndex);
}
