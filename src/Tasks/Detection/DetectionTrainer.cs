using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Tasks.Training;
using GeoDense.Torch;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;

namespace GeoDense.Tasks.Detection;

/// <summary>
/// Oriented R-CNN training as the reference 1x recipe, on the shared <see cref="TrainingLoop"/>: DOTA windows cut on the
/// fly (<see cref="DetectionData"/>), flips, RPN + R-CNN losses summed, AdamW, step (or poly/cosine) schedule under
/// linear warmup, gradient clipping at train.grad_clip_norm, the backbone's BatchNorm/LayerNorm kept in eval mode;
/// validation = the whole detect pipeline and the DOTA Task1 evaluation on `train.val`.
/// </summary>
public sealed class DetectionTrainer(DetectionPipeline pipeline, string workDir, Device device, Action<TrainingProgress>? progress = null,
    TextWriter? log = null)
{
    readonly DetectionTrainSection train = pipeline.Train ?? throw new DetectionInputException("the pipeline has no `train` section");

    public TrainingResult<DetectionMetrics> Run(bool resume, CancellationToken cancellationToken = default)
    {
        var plan = new TrainingPlan(train.Iterations, train.CheckpointEvery, train.ValidateEvery, train.LogEvery, train.Seed);
        var loop = new TrainingLoop(workDir, plan, Schedules.For(train), progress, log);
        // data problems (missing label files, empty datasets) surface before any model is built
        var data = new DetectionData(pipeline, DetectionData.Find(train.Data));
        var val = train.Val is { } v ? DetectionData.Find(v) : null;
        return loop.Run(() => new DetectionTask(pipeline, device, data, val, workDir, resume), resume, cancellationToken);
    }

    sealed class DetectionTask : ITrainingTask<DetectionMetrics>
    {
        readonly DetectionPipeline pipeline;
        readonly DetectionTrainSection train;
        readonly Device device;
        readonly DetectionModel model;
        readonly DetectionData data;
        readonly IReadOnlyList<DotaImage>? val;
        readonly string workDir;

        public DetectionTask(DetectionPipeline pipeline, Device device, DetectionData data, IReadOnlyList<DotaImage>? val, string workDir, bool resume)
        {
            this.pipeline = pipeline;
            train = pipeline.Train!;
            this.device = device;
            this.data = data;
            this.val = val;
            this.workDir = workDir;
            model = DetectionModels.Create(pipeline);
            try
            {
                if (!resume && train.Pretrained is { } pretrained) DetectionModels.LoadBackbone(model, pretrained);
                model.To(device);
                Optimizer = TrainingOptimizer.Create(model, train.Optimizer);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        public Module Model => model;
        public Optimizer Optimizer { get; }
        public IReadOnlyList<string> LossNames { get; } = ["loss", "loss_rpn_cls", "loss_rpn_bbox", "loss_cls", "loss_bbox", "acc"];
        public bool CanValidate => val is not null;

        public IReadOnlyDictionary<string, string> WeightsMetadata => new Dictionary<string, string>
        {
            [InferenceSession<DetectionModel>.PipelineKey] = PipelineFile.Serialize(pipeline),
        };

        public IReadOnlyList<double> Step(long iteration, double learningRate)
        {
            model.FreezeBackboneNorms();
            using var batch = data.Batch(iteration, train.BatchSize, train.Seed, train.Augment, device);
            using var scope = TorchRuntime.NewScope();
            using var losses = model.Losses(batch.Images, batch.Targets);
            var total = losses.Total();
            Optimizer.ZeroGrad();
            total.Backward();
            if (train.GradClipNorm > 0) Utils.ClipGradNorm_(model.Parameters(), train.GradClipNorm);
            Optimizer.SetLearningRate(learningRate);
            Optimizer.Step();
            return [total.Item<float>(), losses.RpnCls.Item<float>(), losses.RpnBbox.Item<float>(), losses.Cls.Item<float>(),
                losses.Bbox.Item<float>(), losses.Accuracy];
        }

        public DetectionMetrics Validate(CancellationToken cancellationToken) =>
            DetectionEvaluator.Evaluate(pipeline, model, device, val!, Path.Combine(workDir, "val-detections"), cancellationToken: cancellationToken);

        public void Dispose()
        {
            Optimizer.Dispose();
            model.Dispose();
        }
    }
}
