using System.Text.Json;
using GeoDense.Backbones;
using GeoDense.IO;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;
using GeoDense.Torch.Schedules;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Tasks.Classification;

/// <summary>Progress of one logged iteration.</summary>
public sealed record ClassificationProgress(long Iteration, long Iterations, double Loss, double LearningRate, double? LastTop1);

/// <summary>Validation result: accuracies over the validation folder.</summary>
public sealed record ClassificationMetrics(double Top1, double TopK, int K, long Samples)
{
    public override string ToString() => $"top-1 {Top1:P2}, top-{K} {TopK:P2} on {Samples} scenes";
}

/// <summary>Where training left its outputs.</summary>
public sealed record ClassificationTrainingResult(string Weights, ClassificationMetrics? Validation, long Iterations);

/// <summary>
/// Trains a LeMeViT classifier on a scene folder: DeiT-style augmentation for aerial scenes, AdamW (no weight
/// decay on norms and biases, as timm), cosine schedule with linear warmup, label-smoothed cross-entropy,
/// top-1/top-5 validation, checkpoints (model, optimizer, progress) that <see cref="Run"/> resumes exactly:
/// sampling and augmentation are pure functions of (seed, iteration).
/// Work directory: model.safetensors (config in metadata), optimizer.safetensors, state.json.
/// </summary>
public sealed class ClassificationTrainer(ClassificationTrainingOptions options, Action<ClassificationProgress>? onProgress = null, TextWriter? log = null)
{
    public const string ModelFile = "model.safetensors", OptimizerFile = "optimizer.safetensors", StateFile = "state.json";

    private sealed record TrainState(long Iteration, double? LastTop1);

    public ClassificationTrainingResult Run(bool resume = false)
    {
        var train = new SceneFolderDataset(options.TrainRoot, options.Classes, options.Bands);
        var val = options.ValRoot is { } v ? new SceneFolderDataset(v, train.Classes, options.Bands) : null;
        var config = options.Backbone with { NumClasses = train.Classes.Count, InChannels = options.Bands.Count };
        var augment = new SceneAugmentation(options.ImageSize, options.Mean, options.Std, options.MinCropScale);
        Directory.CreateDirectory(options.WorkDir);

        TorchRuntime.ManualSeed((ulong)options.Seed);
        using var model = new LeMeViTClassifier(config);
        if (options.Pretrained is { } pretrained && !resume)
            log?.WriteLine($"pretrained {pretrained}: {LeMeViTWeights.Load(model, LoadWithoutForeignHead(pretrained, config), pretrained, strict: true)}");
        using var optimizer = new AdamW(ParameterGroups(model), options.LearningRate, options.Betas.Beta1, options.Betas.Beta2, weightDecay: options.WeightDecay);
        var schedule = new CosineLr(options.LearningRate, options.Iterations, options.MinLearningRate,
            options.WarmupIterations, WarmupInitLr: options.LearningRate * 1e-3);

        var state = new TrainState(0, null);
        if (resume && File.Exists(Path.Combine(options.WorkDir, StateFile)))
        {
            state = Restore(model, optimizer);
            log?.WriteLine($"resumed at iteration {state.Iteration} from {options.WorkDir}");
        }

        ClassificationMetrics? metrics = null;
        for (var iteration = state.Iteration; iteration < options.Iterations; iteration++)
        {
            optimizer.SetLearningRate(schedule.At(iteration));
            var loss = TrainStep(model, optimizer, train, augment, iteration);
            var done = iteration + 1;
            var validate = val is not null && (done % Math.Max(1, options.ValidateEvery) == 0 || done == options.Iterations);
            if (validate)
            {
                metrics = Evaluate(model, val!, augment, options.BatchSize);
                state = state with { LastTop1 = metrics.Top1 };
                log?.WriteLine($"iteration {done}: {metrics}");
            }
            if (done % Math.Max(1, options.LogEvery) == 0 || done == options.Iterations)
                onProgress?.Invoke(new ClassificationProgress(done, options.Iterations, loss, optimizer.LearningRate, state.LastTop1));
            if (done % Math.Max(1, options.CheckpointEvery) == 0 || done == options.Iterations)
                Save(model, optimizer, state with { Iteration = done });
        }
        return new ClassificationTrainingResult(Path.Combine(options.WorkDir, ModelFile), metrics, options.Iterations);
    }

    /// <summary>Validation accuracies of a model on a scene folder (whole scenes resized, no augmentation).</summary>
    public static ClassificationMetrics Evaluate(LeMeViTClassifier model, SceneFolderDataset data, SceneAugmentation augment, int batchSize)
    {
        var wasTraining = model.Training;
        model.Eval();
        var accuracy = new TopKAccuracy(5);
        using (TorchRuntime.InferenceMode())
            for (var start = 0; start < data.Count; start += batchSize)
            {
                using var scope = TorchRuntime.NewScope();
                var indices = Enumerable.Range(start, Math.Min(batchSize, data.Count - start)).ToList();
                var x = Tensor.Stack(indices.Select(i => augment.Eval(data.Load(i))).ToList());
                var y = Tensor.FromArray(indices.Select(i => (long)data.Samples[i].Label).ToArray(), indices.Count);
                accuracy.Add(model.Classify(x), y);
            }
        model.Train(wasTraining);
        return new ClassificationMetrics(accuracy.Top1, accuracy.TopK, (int)Math.Min(5, model.Config.NumClasses), accuracy.Count);
    }

    private double TrainStep(LeMeViTClassifier model, Optimizer optimizer, SceneFolderDataset data, SceneAugmentation augment, long iteration)
    {
        model.Train();
        using var scope = TorchRuntime.NewScope();
        var random = new Random(Mix(options.Seed, iteration, 1));
        var indices = BatchIndices(iteration, data.Count);
        var x = Tensor.Stack(indices.Select(i => augment.Train(data.Load(i), random)).ToList());
        var y = Tensor.FromArray(indices.Select(i => (long)data.Samples[i].Label).ToArray(), indices.Length);
        var loss = F.CrossEntropy(model.Classify(x), y, labelSmoothing: options.LabelSmoothing);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        return loss.Item<double>();
    }

    /// <summary>Sample k of the run is position k mod n of epoch k / n's shuffle, so any iteration can be recomputed.</summary>
    private int[] BatchIndices(long iteration, int count)
    {
        var result = new int[options.BatchSize];
        int[]? order = null;
        long orderEpoch = -1;
        for (var j = 0; j < result.Length; j++)
        {
            var k = iteration * options.BatchSize + j;
            var epoch = k / count;
            if (epoch != orderEpoch)
            {
                order = Enumerable.Range(0, count).ToArray();
                new Random(Mix(options.Seed, epoch, 2)).Shuffle(order);
                orderEpoch = epoch;
            }
            result[j] = order![k % count];
        }
        return result;
    }

    /// <summary>A seed from (run seed, counter, stream): deterministic across processes, unlike HashCode.</summary>
    private static int Mix(int seed, long counter, int stream)
    {
        var z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)counter * 0xBF58476D1CE4E5B9UL ^ (ulong)stream * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    /// <summary>timm's rule: no weight decay on biases and one-dimensional parameters (norm scales).</summary>
    private static IEnumerable<ParamGroup> ParameterGroups(Module model)
    {
        var named = model.NamedParameters().ToList();
        bool NoDecay(KeyValuePair<string, Parameter> p) => p.Value.Dim <= 1 || p.Key.EndsWith(".bias", StringComparison.Ordinal);
        return [new ParamGroup(named.Where(p => !NoDecay(p)).Select(p => p.Value)), new ParamGroup(named.Where(NoDecay).Select(p => p.Value)) { WeightDecay = 0 }];
    }

    private static OrderedDictionary<string, TensorData> LoadWithoutForeignHead(string path, LeMeViTConfig config)
    {
        var stateDict = LeMeViTWeights.ReadStateDict(path);
        if (LeMeViTWeights.HeadClasses(stateDict) is { } classes && classes != config.NumClasses)
            foreach (var key in stateDict.Keys.Where(k => k.StartsWith("head.", StringComparison.Ordinal)).ToList())
                stateDict.Remove(key);
        return stateDict;
    }

    private void Save(LeMeViTClassifier model, Optimizer optimizer, TrainState state)
    {
        var dir = options.WorkDir;
        TensorCheckpoints.SaveModule(Path.Combine(dir, ModelFile), model, model.Config.ToJson(),
            new Dictionary<string, string> { ["geodense.classes"] = JsonSerializer.Serialize(model.Config.NumClasses) });
        TensorCheckpoints.SaveSafetensors(Path.Combine(dir, OptimizerFile), optimizer.StateDict());
        AtomicFile.WriteAllText(Path.Combine(dir, StateFile), JsonSerializer.Serialize(state));
    }

    private TrainState Restore(LeMeViTClassifier model, Optimizer optimizer)
    {
        var dir = options.WorkDir;
        var state = JsonSerializer.Deserialize<TrainState>(File.ReadAllText(Path.Combine(dir, StateFile)))
            ?? throw new ClassificationInputException($"{Path.Combine(dir, StateFile)}: empty training state; delete the work directory to start over");
        LeMeViTWeights.Load(model, Path.Combine(dir, ModelFile), strict: true);
        using var scope = TorchRuntime.NewScope();
        optimizer.LoadStateDict(TensorCheckpoints.LoadTensors(Path.Combine(dir, OptimizerFile)));
        return state;
    }
}
