using GeoDense.Backbones;
using GeoDense.Heads.BIT;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Tasks.Training;
using GeoDense.Torch;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;
using GeoDense.Torch.Schedules;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// Change-detection training as the reference's train.py does it, on the shared <see cref="TrainingLoop"/>: batches
/// of pairs augmented identically on both dates, 2-class cross-entropy (optionally + dice), AdamW, linear decay;
/// the backbone's BatchNorms run in train mode and each date's forward updates their statistics. Validation scores
/// the change class (<see cref="ChangeMetrics"/>). Work directory: checkpoints/, logs, curves.png, latest.safetensors.
/// </summary>
public sealed class ChangeTrainer(ChangePipeline pipeline, string workDir, Device device, Action<TrainingProgress>? progress = null,
    TextWriter? log = null)
{
    readonly ChangeTrainSection train = pipeline.Train ?? throw new ChangeInputException("the pipeline has no `train` section");

    public TrainingResult<ChangeMetrics> Run(bool resume, CancellationToken cancellationToken = default)
    {
        var plan = new TrainingPlan(train.Iterations, train.CheckpointEvery, train.ValidateEvery, train.LogEvery, train.Seed);
        var loop = new TrainingLoop(workDir, plan, Schedules.For(train), progress, log);
        // data problems (missing folders or partners, sizes, band counts) surface before any model is built
        var trainPairs = ChangeData.Find(train.Data);
        var valPairs = train.Val is { } val ? ChangeData.Find(val) : null;
        foreach (var pair in new[] { trainPairs[0] }.Concat(valPairs?.Take(1) ?? [])) ChangeSample.Read(pair, pipeline.Input.Bands);
        try { return loop.Run(() => new ChangeTask(pipeline, device, trainPairs, valPairs, resume), resume, cancellationToken); }
        catch (InputTooSmallException e)
        {
            throw new PipelineInputException($"train.augment.crop_size {train.Augment.CropSize}: {e.Message}", e);
        }
    }

    sealed class ChangeTask : ITrainingTask<ChangeMetrics>
    {
        readonly ChangePipeline pipeline;
        readonly Device device;
        readonly BitChangeDetector model;
        readonly ChangeBatches batches;
        readonly IReadOnlyList<ChangePair>? valPairs;
        readonly InputProfile profile;
        readonly bool dice;

        public ChangeTask(ChangePipeline pipeline, Device device, IReadOnlyList<ChangePair> trainPairs, IReadOnlyList<ChangePair>? valPairs, bool resume)
        {
            this.pipeline = pipeline;
            this.device = device;
            this.valPairs = valPairs;
            var train = pipeline.Train!;
            dice = train.Loss == "ce_dice";
            // the input profile of the before images (the after images are the same sensor); a sample keeps it quick on CDD
            profile = InputProfile.Of(trainPairs.Take(64).Select(p => p.Before), [.. pipeline.Input.Bands]);
            model = ChangeModels.Create(pipeline);
            try
            {
                if (!resume && train.Pretrained is { } pretrained) LeMeViTWeights.Load(model.Backbone, pretrained);
                model.To(device);
                Optimizer = TrainingOptimizer.Create(model, train.Optimizer);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            batches = new ChangeBatches(trainPairs, pipeline.Input.Bands, new ChangeAugmentation(train.Augment), [.. pipeline.Input.Mean],
                [.. pipeline.Input.Std], train.BatchSize, train.Seed);
            LossNames = dice ? ["loss", "loss_ce", "loss_dice"] : ["loss"];
        }

        public Module Model => model;
        public Optimizer Optimizer { get; }
        public IReadOnlyList<string> LossNames { get; }
        public bool CanValidate => valPairs is not null;

        public IReadOnlyDictionary<string, string> WeightsMetadata => new Dictionary<string, string>
        {
            [InferenceSession<BitChangeDetector>.PipelineKey] = PipelineFile.Serialize(pipeline),
            [InputProfile.MetadataKey] = profile.ToJson(),
        };

        public IReadOnlyList<double> Step(long iteration, double learningRate)
        {
            using var scope = TorchRuntime.NewScope();
            var batch = batches.Get(iteration, device);
            var logits = model.Forward(batch.Before, batch.After);
            var (total, ce, diceLoss) = ChangeLoss.Compute(logits, batch.Labels, dice);
            Optimizer.ZeroGrad();
            total.Backward();
            Optimizer.SetLearningRate(learningRate);
            Optimizer.Step();
            return dice ? [total.Item<float>(), ce.Item<float>(), diceLoss!.Item<float>()] : [total.Item<float>()];
        }

        public ChangeMetrics Validate(CancellationToken cancellationToken) =>
            new ChangeEvaluator(model, pipeline, device, ChangeEvaluator.ReferenceBatchSize).Evaluate(valPairs!, cancellationToken: cancellationToken);

        public void Dispose()
        {
            Optimizer.Dispose();
            model.Dispose();
        }
    }
}
