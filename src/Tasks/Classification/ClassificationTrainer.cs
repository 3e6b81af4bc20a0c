using GeoDense.Tasks.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using GeoDense.Tasks.Training;
using GeoDense.Backbones;
using GeoDense.IO;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;
using GeoDense.Torch.Schedules;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Tasks.Classification;

/// <summary>Validation result: accuracies over the validation folder.</summary>
public sealed record ClassificationMetrics(double Top1, double TopK, int K, long Samples) : ITrainingMetrics
{
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, double>> Scalars => [new("top-1", Top1), new($"top-{K}", TopK)];

    public override string ToString() => $"top-1 {Top1:P2}, top-{K} {TopK:P2} on {Samples} scenes";
}

/// <summary>
/// Trains a classifier of any catalog backbone (LeMeViT, LIT) on a scene folder on the shared <see cref="TrainingLoop"/>: DeiT-style augmentation
/// for aerial scenes, AdamW (no weight decay on norms and biases, as timm), cosine schedule with linear warmup,
/// label-smoothed cross-entropy, top-1/top-5 validation. Sampling and augmentation are pure functions of
/// (seed, iteration), so a resumed run reproduces the uninterrupted one. Weights: latest.safetensors (config in the
/// metadata), checkpoints/ as every task.
/// </summary>
public sealed class ClassificationTrainer(ClassificationTrainingOptions options, Action<TrainingProgress>? onProgress = null, TextWriter? log = null)
{
    public TrainingResult<ClassificationMetrics> Run(bool resume = false, CancellationToken cancellationToken = default)
    {
        var train = new SceneFolderDataset(options.TrainRoot, options.Classes, options.Bands);
        var val = options.ValRoot is { } v ? new SceneFolderDataset(v, train.Classes, options.Bands) : null;
        var plan = new TrainingPlan(options.Iterations, Math.Max(1, options.CheckpointEvery), Math.Max(1, options.ValidateEvery),
            Math.Max(1, options.LogEvery), options.Seed);
        var schedule = new CosineLr(options.LearningRate, options.Iterations, options.MinLearningRate,
            options.WarmupIterations, WarmupInitLr: options.LearningRate * 1e-3);
        try
        {
            return new TrainingLoop(options.WorkDir, plan, schedule, onProgress, log)
                .Run(() => new ClassificationTask(options, train, val, resume, log), resume, cancellationToken);
        }
        catch (InputTooSmallException e)
        {
            // the backbone knows only a tensor; the user set the size in the pipeline
            throw new PipelineInputException($"train.augment.crop_size {options.ImageSize}: {e.Message}", e);
        }
    }

    /// <summary>Validation accuracies of a model on a scene folder (whole scenes resized, no augmentation).</summary>
    public static ClassificationMetrics Evaluate(ISceneClassifier model, SceneFolderDataset data, SceneAugmentation augment, int batchSize,
        CancellationToken cancellationToken = default, Device? device = null)
    {
        var wasTraining = model.Module.Training;
        model.Module.Eval();
        var accuracy = new TopKAccuracy(5);
        try
        {
            using (TorchRuntime.InferenceMode())
                for (var start = 0; start < data.Count; start += batchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = TorchRuntime.NewScope();
                    var indices = Enumerable.Range(start, Math.Min(batchSize, data.Count - start)).ToList();
                    var x = Tensor.Stack(indices.Select(i => augment.Eval(data.Load(i))).ToList()).To(device ?? Device.Cpu);
                    var y = Tensor.FromArray(indices.Select(i => (long)data.Samples[i].Label).ToArray(), indices.Count);
                    accuracy.Add(model.Classify(x).Cpu(), y);
                }
        }
        finally { model.Module.Train(wasTraining); }
        return new ClassificationMetrics(accuracy.Top1, accuracy.TopK, (int)Math.Min(5, model.NumClasses), accuracy.Count);
    }

    sealed class ClassificationTask : ITrainingTask<ClassificationMetrics>
    {
        readonly ClassificationTrainingOptions options;
        readonly SceneFolderDataset train;
        readonly SceneFolderDataset? val;
        readonly SceneAugmentation augment;
        readonly BackboneArch arch;
        readonly ISceneClassifier model;

        public ClassificationTask(ClassificationTrainingOptions options, SceneFolderDataset train, SceneFolderDataset? val, bool resume, TextWriter? log)
        {
            this.options = options;
            this.train = train;
            this.val = val;
            augment = new SceneAugmentation(options.ImageSize, options.Mean, options.Std, options.MinCropScale);
            arch = options.Backbone.With(train.Classes.Count, options.Bands.Count);
            model = arch.CreateClassifier();
            try
            {
                if (options.Pretrained is { } pretrained && !resume)
                    log?.WriteLine($"pretrained {pretrained}: {arch.Load(model.Module, LoadWithoutForeignHead(pretrained, arch.NumClasses), pretrained, strict: true)}");
                model.Module.To(options.Device);
                Optimizer = new AdamW(ParameterGroups(model.Module), options.LearningRate, options.Betas.Beta1, options.Betas.Beta2, weightDecay: options.WeightDecay);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        public Module Model => model.Module;
        public Optimizer Optimizer { get; }
        public IReadOnlyList<string> LossNames { get; } = ["loss"];
        public bool CanValidate => val is not null;

        public IReadOnlyDictionary<string, string> WeightsMetadata => GeoDenseMetadata.Create(arch.ToJson(),
            new Dictionary<string, string> { ["geodense.classes"] = JsonSerializer.Serialize(train.Classes) });

        public IReadOnlyList<double> Step(long iteration, double learningRate)
        {
            Optimizer.SetLearningRate(learningRate);
            using var scope = TorchRuntime.NewScope();
            var random = new CounterRandom(options.Seed, TrainingStream.Augmentation, iteration);
            var indices = BatchIndices(iteration, train.Count);
            var x = Tensor.Stack(indices.Select(i => augment.Train(train.Load(i), random)).ToList()).To(options.Device);
            var y = Tensor.FromArray(indices.Select(i => (long)train.Samples[i].Label).ToArray(), indices.Length).To(options.Device);
            var loss = F.CrossEntropy(model.Classify(x), y, labelSmoothing: options.LabelSmoothing);
            Optimizer.ZeroGrad();
            loss.Backward();
            Optimizer.Step();
            return [loss.Item<double>()];
        }

        public ClassificationMetrics Validate(CancellationToken cancellationToken) =>
            Evaluate(model, val!, augment, options.BatchSize, cancellationToken, options.Device);

        int[] BatchIndices(long iteration, int count) => EpochSampling.BatchIndices(options.Seed, iteration, options.BatchSize, count);

        public void Dispose()
        {
            Optimizer.Dispose();
            model.Dispose();
        }
    }

    /// <summary>timm's rule: no weight decay on biases and one-dimensional parameters (norm scales).</summary>
    static IEnumerable<ParamGroup> ParameterGroups(Module model)
    {
        var named = model.NamedParameters().ToList();
        bool NoDecay(KeyValuePair<string, Parameter> p) => p.Value.Dim <= 1 || p.Key.EndsWith(".bias", StringComparison.Ordinal);
        return [new ParamGroup(named.Where(p => !NoDecay(p)).Select(p => p.Value)), new ParamGroup(named.Where(NoDecay).Select(p => p.Value)) { WeightDecay = 0 }];
    }

    static OrderedDictionary<string, TensorData> LoadWithoutForeignHead(string path, int numClasses)
    {
        var stateDict = LeMeViTWeights.ReadStateDict(path);   // the checkpoint layouts are the same for every family
        if (BackboneCatalog.HeadClasses(stateDict) is { } classes && classes != numClasses)
            foreach (var key in stateDict.Keys.Where(k => k.StartsWith("head.", StringComparison.Ordinal)).ToList())
                stateDict.Remove(key);
        return stateDict;
    }
}
