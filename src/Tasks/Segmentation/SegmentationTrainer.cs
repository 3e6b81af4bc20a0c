using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Optim;
using GeoDense.Torch.Schedules;

namespace GeoDense.Tasks.Segmentation;

/// <summary>Where training stands, for progress bars.</summary>
public sealed record TrainProgress(long Iteration, long Iterations, double Loss, double LearningRate, double? LastMeanIoU);

/// <summary>Result of a training run: the final weights and the last validation metrics (if any).</summary>
public sealed record TrainResult(string Weights, SegmentationMetrics? Validation, long Iterations);

/// <summary>
/// The segmentation training loop of the reference config: batches from <see cref="TrainingBatches"/>,
/// CE (avg over non-ignored pixels) on the decode head + 0.4 x CE on the auxiliary head, AdamW with a
/// poly schedule under linear warmup (lr is a function of the iteration, so resuming is exact), checkpoints
/// every N iterations (model + optimizer state), sliding-window validation, `log.csv`, `val.csv`,
/// `metrics.json` and `curves.png` in the work directory.
/// </summary>
public sealed class SegmentationTrainer(SegmentationPipeline pipeline, string workDir, Device device, Action<TrainProgress>? progress = null,
    TextWriter? log = null)
{
    readonly SegmentationTrainSection train = pipeline.Train ?? throw new SegmentationInputException("the pipeline has no `train` section");
    readonly TextWriter log = log ?? TextWriter.Null;

    public TrainResult Run(bool resume)
    {
        Directory.CreateDirectory(workDir);
        var checkpoints = new TrainingCheckpoints(workDir);
        TorchRuntime.ManualSeed((ulong)train.Seed);   // weight init and dropout repeat run to run
        var model = SegmentationModels.Create(pipeline);
        model.To(device);
        using var optimizer = TrainingOptimizer.Create(model, train.Optimizer);
        long start = 0;
        if (resume && checkpoints.Latest() is { } latest)
        {
            start = checkpoints.Restore(latest, model, optimizer) + 1;
            log.WriteLine($"resumed from {latest.Model} at iteration {start}");
        }
        else if (train.Pretrained is { } pretrained) SegmentationModels.LoadBackbone(model, pretrained);
        var logs = new TrainingLogs(workDir, start);
        File.WriteAllText(Path.Combine(workDir, "pipeline.yaml"), PipelineFile.Serialize(pipeline));

        var schedule = Schedule(train);
        var trainRasters = SegmentationData.Find(train.Data);
        var valRasters = train.Val is { } val ? SegmentationData.Find(val) : null;
        int[] bands = pipeline.Input.Bands.ToArray();
        byte ignore = (byte)pipeline.Model.IgnoreIndex;
        int scored = pipeline.Model.ScoredClassCount();
        var aug = train.Augment;
        var augmenter = new Augmenter(new AugmentationOptions(aug.ResizeBase, aug.RatioRange[0], aug.RatioRange[1], aug.CropSize,
            aug.CatMaxRatio, aug.FlipProbability, aug.Photometric), pipeline.Input.Mean.ToArray(), pipeline.Input.Std.ToArray(), ignore);

        SegmentationMetrics? lastMetrics = logs.LastValidation;
        using var batches = new TrainingBatches(trainRasters, bands, ignore, scored, pipeline.Tiling.Size, pipeline.Tiling.Stride,
            augmenter, aug.CropSize, train.BatchSize, train.Seed, start, train.Iterations);
        var clock = Stopwatch.StartNew();
        model.Train();
        for (long it = start; it < train.Iterations; it++)
        {
            var batch = batches.Next();
            double lr = schedule.At(it);
            var (loss, decodeLoss, auxLoss) = Step(model, optimizer, batch, lr, ignore);
            logs.Train(it, lr, loss, decodeLoss, auxLoss, clock.Elapsed.TotalSeconds);
            bool last = it == train.Iterations - 1;
            if (valRasters is not null && ((it + 1) % train.ValidateEvery == 0 || last))
            {
                lastMetrics = Validate(model, valRasters, bands, ignore, scored);
                logs.Validation(it, lastMetrics);
                log.WriteLine($"iter {it + 1}: mIoU {lastMetrics.MeanIoU:F4} mF1 {lastMetrics.MeanF1:F4} OA {lastMetrics.OverallAccuracy:F4}");
            }
            if ((it + 1) % train.CheckpointEvery == 0 || last) checkpoints.Save(it, model, optimizer, pipeline);
            progress?.Invoke(new TrainProgress(it + 1, train.Iterations, loss, lr, lastMetrics?.MeanIoU));
        }
        logs.Finish(lastMetrics);
        var final = Path.Combine(workDir, "latest.safetensors");
        SegmentationWeights.Save(model, final, new Dictionary<string, string>
        {
            [SegmentationWeights.PipelineKey] = PipelineFile.Serialize(pipeline),
            [SegmentationWeights.IterationKey] = train.Iterations.ToString(CultureInfo.InvariantCulture),
        });
        model.Dispose();
        return new TrainResult(final, lastMetrics, train.Iterations);
    }

    static ILearningRateSchedule Schedule(TrainSection t)
    {
        var s = t.Schedule;
        var warmup = s.WarmupIters > 0 ? new LinearWarmup(s.WarmupIters, s.WarmupRatio) : null;
        return s.Type == "cosine"
            ? new CosineLr(t.Optimizer.Lr, t.Iterations, s.MinLr, s.WarmupIters, t.Optimizer.Lr * s.WarmupRatio)
            : new PolyLr(t.Optimizer.Lr, t.Iterations, s.Power, s.MinLr, warmup);
    }

    (double Loss, double Decode, double Aux) Step(SegmentationModel model, Optimizer optimizer, TrainingBatch batch, double lr, byte ignore)
    {
        using var scope = TorchRuntime.NewScope();
        var images = Tensor.FromArray(batch.Pixels, batch.Count, batch.Bands, batch.Size, batch.Size).To(device);
        var labels = Tensor.FromArray(batch.Labels, batch.Count, batch.Size, batch.Size).To(device);
        using var logits = model.ForwardHeads(images, withAuxiliary: true);
        var decode = SegmentationLoss.CrossEntropy(logits.Decode, labels, ignore, model.AlignCorners);
        var total = decode;
        Tensor? aux = null;
        if (logits.Auxiliary is { } auxLogits)
        {
            aux = SegmentationLoss.CrossEntropy(auxLogits, labels, ignore, model.AlignCorners);
            total = decode.Add(aux.Mul(pipeline.Model.AuxLossWeight));
        }
        optimizer.ZeroGrad();
        total.Backward();
        optimizer.SetLearningRate(lr);
        optimizer.Step();
        return (total.Item<float>(), decode.Item<float>(), aux?.Item<float>() ?? 0);
    }

    SegmentationMetrics Validate(SegmentationModel model, IReadOnlyList<LabelledRaster> rasters, int[] bands, byte ignore, int scored)
    {
        model.Eval();
        try
        {
            var inference = new TileInference(model, pipeline.Input.Mean.ToArray(), pipeline.Input.Std.ToArray(), device);
            var options = new SlidingWindowOptions(pipeline.Tiling.Size, pipeline.Tiling.Stride, pipeline.Tiling.BatchSize, bands, ignore, scored);
            return SlidingWindowEvaluator.Evaluate(inference, rasters, options).Metrics(pipeline.Model.Classes);
        }
        finally { model.Train(); }
    }
}
