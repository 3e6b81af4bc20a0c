using GeoDense.Backbones;
using GeoDense.Tasks.Classification;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Classification;

/// <summary>LeMeViT-nano (and LIT-nano) learn synthetic aerial scenes: proves data, augmentation, loss, optimizer and schedule
/// are real, and that the trainer takes any catalog backbone.</summary>
[Collection(SerialCollection.Name)]
public sealed class ClassificationLearningTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"geodense-scenes-{Guid.NewGuid():N}");
    // the tests run on one thread: the thread count they set must not leak into the tests after them
    private readonly int _threads = TorchRuntime.GetNumThreads();

    public void Dispose()
    {
        TorchRuntime.SetNumThreads(_threads);
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private ClassificationTrainingOptions Options(string workDir, int iterations, string backbone = "lemevit-nano") => new()
    {
        Backbone = BackboneCatalog.TryResolve(backbone)!,
        TrainRoot = SyntheticScenes.Create(Path.Combine(_root, "train"), perClass: 40, size: 64, seed: 1),
        ValRoot = SyntheticScenes.Create(Path.Combine(_root, "val"), perClass: 15, size: 64, seed: 2),
        ImageSize = 48,
        Iterations = iterations,
        LogEvery = 1,
        BatchSize = 16,
        LearningRate = 2e-3,
        WarmupIterations = 10,
        ValidateEvery = 1000,
        CheckpointEvery = 1000,
        WorkDir = Path.Combine(_root, workDir),
        Seed = 3,
    };

    [Fact]
    public void Nano_reaches_90_percent_validation_accuracy_on_four_synthetic_scene_classes()
    {
        TorchRuntime.SetNumThreads(1);   // tiny ops: one thread beats two on a busy 2-core machine (restored in Dispose)
        var progress = new List<GeoDense.Tasks.Training.TrainingProgress>();
        var result = new ClassificationTrainer(Options("run", 120), progress.Add).Run();

        Assert.NotNull(result.Validation);
        Assert.Equal(60, result.Validation!.Samples);
        Assert.True(result.Validation.Top1 >= 0.9, $"validation {result.Validation}");
        Assert.Equal(1.0, result.Validation.TopK);                         // top-4 of 4 classes
        double first = progress.Take(10).Average(p => p.Loss), last = progress.TakeLast(10).Average(p => p.Loss);
        Assert.True(last < 0.7 * first, $"mean loss of the first 10 iterations {first:F3}, of the last 10 {last:F3}");
        Assert.True(File.Exists(result.Weights));

        // the saved weights describe themselves and give the same accuracy
        using var model = new LeMeViTClassifier(LeMeViTConfig.Nano with { NumClasses = 4 });
        Assert.True(LeMeViTWeights.Load(model, result.Weights).Report.IsClean);
        var val = new SceneFolderDataset(Path.Combine(_root, "val"));
        var metrics = ClassificationTrainer.Evaluate(model, val, new SceneAugmentation(48, [123.675f, 116.28f, 103.53f], [58.395f, 57.12f, 57.375f]), 32);
        Assert.Equal(result.Validation.Top1, metrics.Top1, 6);
    }

    [Fact]
    public void Lit_nano_trains_through_the_same_trainer_and_its_saved_weights_reload()
    {
        TorchRuntime.SetNumThreads(1);
        var progress = new List<GeoDense.Tasks.Training.TrainingProgress>();
        var result = new ClassificationTrainer(Options("lit", 60, backbone: "lit-nano"), progress.Add).Run();

        Assert.NotNull(result.Validation);
        Assert.True(result.Validation!.Top1 >= 0.5, $"validation {result.Validation} (chance is 25%)");
        double first = progress.Take(10).Average(p => p.Loss), last = progress.TakeLast(10).Average(p => p.Loss);
        Assert.True(last < 0.8 * first, $"mean loss of the first 10 iterations {first:F3}, of the last 10 {last:F3}");

        // the weights name their backbone, and load strictly into a fresh LIT classifier that scores the same
        var arch = BackboneCatalog.TryResolve("lit-nano")!.With(4, 3);
        var stateDict = arch.ReadWeights(result.Weights);
        Assert.Equal(4, BackboneCatalog.HeadClasses(stateDict));
        using var model = arch.CreateClassifier();
        Assert.IsAssignableFrom<LitBackbone>(model);
        arch.Load(model.Module, stateDict, result.Weights, strict: true);
        var val = new SceneFolderDataset(Path.Combine(_root, "val"));
        var metrics = ClassificationTrainer.Evaluate(model, val, new SceneAugmentation(48, [123.675f, 116.28f, 103.53f], [58.395f, 57.12f, 57.375f]), 32);
        Assert.Equal(result.Validation.Top1, metrics.Top1, 6);
        // weights of another arch are refused in one line before any tensor is read
        var wrong = Assert.Throws<GeoDense.Torch.Checkpoints.CheckpointInputException>(() => BackboneCatalog.TryResolve("lit-ti-nano")!.ReadWeights(result.Weights));
        Assert.Contains("these weights are for lit-nano, not --arch lit-ti-nano", wrong.Message);
    }

    [Fact]
    public void Scene_folder_reads_png_and_geotiff_with_classes_in_folder_order()
    {
        var data = new SceneFolderDataset(SyntheticScenes.Create(Path.Combine(_root, "small"), perClass: 4, size: 32, seed: 5));
        Assert.Equal(SyntheticScenes.Classes, data.Classes);
        Assert.Equal(16, data.Count);
        Assert.Contains(data.Samples, s => s.Path.EndsWith(".tif", StringComparison.Ordinal));
        var image = data.Load(3);                                           // a GeoTIFF
        Assert.Equal((3, 32, 32), (image.Bands, image.Height, image.Width));
        Assert.InRange(image.Pixels.Max(), 1, 255);

        var augment = new SceneAugmentation(24, [0, 0, 0], [1, 1, 1]);
        using var scope = TorchRuntime.NewScope();
        Assert.Equal(new long[] { 3, 24, 24 }, augment.Train(image, new Random(1)).Shape);
        Assert.Equal(new long[] { 3, 24, 24 }, augment.Eval(image).Shape);

        var missing = Assert.Throws<ClassificationInputException>(() => new SceneFolderDataset(Path.Combine(_root, "small"), ["forest", "desert"]));
        Assert.Contains("desert", missing.Message);
    }

    [Fact]
    public void Top_k_accuracy_counts_hits()
    {
        using var scope = TorchRuntime.NewScope();
        var logits = Tensor.FromArray(new float[] { 0.1f, 0.9f, 0.0f, 0.8f, 0.1f, 0.3f, 0.2f, 0.3f, 0.5f }, 3, 3);
        var labels = Tensor.FromArray(new long[] { 1, 2, 0 }, 3);
        var accuracy = new TopKAccuracy(2);
        accuracy.Add(logits, labels);
        Assert.Equal(1.0 / 3, accuracy.Top1, 6);      // only the first row's best is right
        Assert.Equal(2.0 / 3, accuracy.TopK, 6);      // row 2's label is its second best; row 3's label is last
    }
}

public class ClassificationPipelineTests
{
    [Fact]
    public void The_shipped_pipeline_maps_to_training_options()
    {
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GeoDense.sln"))) { root = dir.FullName; break; }
        var path = Path.Combine(root, "pipelines", "ucm-classification-lemevit-tiny.yaml");
        var options = ClassificationTrainingOptions.FromPipeline(GeoDense.Tasks.Pipelines.PipelineFile.Load<GeoDense.Tasks.Pipelines.ClassificationPipeline>(path), path);
        Assert.Equal("lemevit-tiny", options.Backbone.Name);
        Assert.Equal(224, options.ImageSize);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "ucm", "train")), options.TrainRoot);
        Assert.Equal((0.0005, 300, 1e-5, 32), (options.LearningRate, options.WarmupIterations, options.MinLearningRate, options.BatchSize));

        var lit = GeoDense.Tasks.Pipelines.PipelineFile.Parse<GeoDense.Tasks.Pipelines.ClassificationPipeline>(File.ReadAllText(path).Replace("backbone: lemevit-tiny", "backbone: lit-s"));
        Assert.Equal("lit-s", Assert.IsType<LitArch>(ClassificationTrainingOptions.FromPipeline(lit, path).Backbone).Name);

        var wrongFormat = GeoDense.Tasks.Pipelines.PipelineFile.Parse<GeoDense.Tasks.Pipelines.ClassificationPipeline>(File.ReadAllText(path).Replace("format: folder, root: data/ucm/train", "format: potsdam, root: x"));
        Assert.Contains("classification reads `folder` data", Assert.Throws<ClassificationInputException>(() => ClassificationTrainingOptions.FromPipeline(wrongFormat, path)).Message);
    }
}
