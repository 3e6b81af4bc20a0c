using GeoDense.Backbones;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;
using GeoDense.Torch;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;
using GeoDense.Torch.Schedules;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Segmentation training as the reference config does it, on the shared <see cref="TrainingLoop"/>: batches from
/// <see cref="TrainingBatches"/>, CE (mean over non-ignored pixels) on the decode head + aux_loss_weight x CE on the
/// auxiliary head, AdamW, poly or cosine schedule under linear warmup, sliding-window validation with the
/// <see cref="SegmentationEvaluator"/>. Work directory: checkpoints/, logs, curves.png and latest.safetensors.
/// </summary>
public sealed class SegmentationTrainer(SegmentationPipeline pipeline, string workDir, Device device, Action<TrainingProgress>? progress = null,
    TextWriter? log = null)
{
    readonly SegmentationTrainSection train = pipeline.Train ?? throw new SegmentationInputException("the pipeline has no `train` section");

    public TrainingResult<SegmentationMetrics> Run(bool resume, CancellationToken cancellationToken = default)
    {
        var plan = new TrainingPlan(train.Iterations, train.CheckpointEvery, train.ValidateEvery, train.LogEvery, train.Seed);
        var loop = new TrainingLoop(workDir, plan, Schedules.For(train), progress, log);
        // data problems (missing files, band counts, label sizes) surface before any model is built
        var trainRasters = SegmentationData.Find(train.Data);
        var valRasters = train.Val is { } val ? SegmentationData.Find(val) : null;
        foreach (var rasters in new[] { trainRasters, valRasters ?? [] })
        {
            using var reader = new LabelledWindowReader(rasters, [.. pipeline.Input.Bands], (byte)pipeline.Model.IgnoreIndex, pipeline.Model.ScoredClassCount());
            for (int r = 0; r < rasters.Count; r++) reader.Size(r);
        }
        try { return loop.Run(() => new SegmentationTask(pipeline, device, trainRasters, valRasters, resume), resume, cancellationToken); }
        catch (InputTooSmallException e)
        {
            // the backbone knows only a tensor; the user set the sizes in the pipeline
            throw new PipelineInputException($"train.augment.crop_size {train.Augment.CropSize} / tiling.size {pipeline.Tiling.Size}: {e.Message}", e);
        }
    }

    sealed class SegmentationTask : ITrainingTask<SegmentationMetrics>
    {
        readonly SegmentationPipeline pipeline;
        readonly Device device;
        readonly SegmentationModel model;
        readonly TrainingBatches batches;
        readonly IReadOnlyList<LabelledRaster>? valRasters;
        readonly byte ignore;
        readonly InputProfile profile;

        public SegmentationTask(SegmentationPipeline pipeline, Device device, IReadOnlyList<LabelledRaster> trainRasters, IReadOnlyList<LabelledRaster>? valRasters, bool resume)
        {
            this.pipeline = pipeline;
            this.device = device;
            this.valRasters = valRasters;
            var train = pipeline.Train!;
            ignore = (byte)pipeline.Model.IgnoreIndex;
            profile = InputProfile.Of(trainRasters.Select(r => r.Image), [.. pipeline.Input.Bands]);
            model = SegmentationModels.Create(pipeline);
            try
            {
                if (!resume && train.Pretrained is { } pretrained) SegmentationModels.LoadBackbone(model, pretrained);
                model.To(device);
                Optimizer = TrainingOptimizer.Create(model, train.Optimizer);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            var aug = train.Augment;
            var augmenter = new Augmenter(new AugmentationOptions(aug.ResizeBase, aug.RatioRange[0], aug.RatioRange[1], aug.CropSize,
                aug.CatMaxRatio, aug.FlipProbability, aug.Photometric), [.. pipeline.Input.Mean], [.. pipeline.Input.Std], ignore);
            batches = new TrainingBatches(trainRasters, [.. pipeline.Input.Bands], ignore, pipeline.Model.ScoredClassCount(), pipeline.Tiling.Size,
                pipeline.Tiling.Stride, augmenter, aug.CropSize, train.BatchSize, train.Seed);
        }

        public Module Model => model;
        public Optimizer Optimizer { get; }
        public IReadOnlyList<string> LossNames { get; } = ["loss", "loss_decode", "loss_aux"];
        public bool CanValidate => valRasters is not null;

        public IReadOnlyDictionary<string, string> WeightsMetadata => new Dictionary<string, string>
        {
            [InferenceSession<SegmentationModel>.PipelineKey] = PipelineFile.Serialize(pipeline),
            [InputProfile.MetadataKey] = profile.ToJson(),
        };

        public IReadOnlyList<double> Step(long iteration, double learningRate)
        {
            var batch = batches.Get(iteration);
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
            Optimizer.ZeroGrad();
            total.Backward();
            Optimizer.SetLearningRate(learningRate);
            Optimizer.Step();
            return [total.Item<float>(), decode.Item<float>(), aux?.Item<float>() ?? 0];
        }

        public SegmentationMetrics Validate(CancellationToken cancellationToken) =>
            SegmentationEvaluator.For(pipeline, model, device).Evaluate(valRasters!, cancellationToken: cancellationToken).Metrics(pipeline.Model.Classes);

        public void Dispose()
        {
            batches.Dispose();
            Optimizer.Dispose();
            model.Dispose();
        }
    }
}

/// <summary>The pipeline's optimizer (AdamW as in the reference config) over every parameter of the model.</summary>
public static class TrainingOptimizer
{
    public static Optimizer Create(Module model, OptimizerSection config)
    {
        if (config.Type != "adamw") throw new SegmentationInputException($"optimizer '{config.Type}' is not supported; use adamw");
        var betas = config.Betas.Count == 2 ? config.Betas : [0.9, 0.999];
        return new AdamW(model.Parameters(), config.Lr, betas[0], betas[1], 1e-8, config.WeightDecay);
    }
}
