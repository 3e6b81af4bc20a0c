using System.Globalization;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.Optim;

namespace GeoDense.Tasks.Segmentation;

/// <summary>A saved training state: model weights and the optimizer's moments, after <see cref="Iteration"/>.</summary>
public sealed record TrainingCheckpoint(long Iteration, string Model, string Optimizer);

/// <summary>
/// `checkpoints/iter_NNNNNN.safetensors` (model, self-describing: pipeline YAML + iteration in the metadata) and
/// `iter_NNNNNN.optim.safetensors` (AdamW state). The optimizer file is written last, so a checkpoint is
/// complete exactly when both exist; resume picks the newest complete one.
/// </summary>
public sealed class TrainingCheckpoints(string workDir)
{
    readonly string dir = Path.Combine(workDir, "checkpoints");

    public void Save(long iteration, SegmentationModel model, Optimizer optimizer, SegmentationPipeline pipeline)
    {
        Directory.CreateDirectory(dir);
        var stem = Path.Combine(dir, $"iter_{iteration + 1:D6}");
        SegmentationWeights.Save(model, stem + ".safetensors", new Dictionary<string, string>
        {
            [SegmentationWeights.PipelineKey] = PipelineFile.Serialize(pipeline),
            [SegmentationWeights.IterationKey] = iteration.ToString(CultureInfo.InvariantCulture),
        });
        TensorCheckpoints.SaveSafetensors(stem + ".optim.safetensors", optimizer.StateDict(),
            new Dictionary<string, string> { [SegmentationWeights.IterationKey] = iteration.ToString(CultureInfo.InvariantCulture) });
    }

    public TrainingCheckpoint? Latest()
    {
        if (!Directory.Exists(dir)) return null;
        return Directory.EnumerateFiles(dir, "iter_*.optim.safetensors")
            .Select(optim => (Optim: optim, Model: optim.Replace(".optim.safetensors", ".safetensors")))
            .Where(p => File.Exists(p.Model))
            .Select(p => new TrainingCheckpoint(IterationOf(p.Optim), p.Model, p.Optim))
            .MaxBy(c => c.Iteration);
    }

    /// <summary>Loads model and optimizer state; returns the last completed iteration.</summary>
    public long Restore(TrainingCheckpoint checkpoint, SegmentationModel model, Optimizer optimizer)
    {
        SegmentationWeights.Load(model, checkpoint.Model);
        using var scope = TorchRuntime.NewScope();
        optimizer.LoadStateDict(TensorCheckpoints.LoadTensors(checkpoint.Optimizer));
        return checkpoint.Iteration;
    }

    static long IterationOf(string path) =>
        long.Parse(SafetensorsMetadata(path)[SegmentationWeights.IterationKey], CultureInfo.InvariantCulture);

    static IReadOnlyDictionary<string, string> SafetensorsMetadata(string path) => Safetensors.ReadMetadata(path);
}

/// <summary>The pipeline's optimizer (AdamW as in the reference config) over every parameter of the model.</summary>
public static class TrainingOptimizer
{
    public static Optimizer Create(SegmentationModel model, OptimizerSection config)
    {
        if (config.Type != "adamw") throw new SegmentationInputException($"optimizer '{config.Type}' is not supported; use adamw");
        var betas = config.Betas.Count == 2 ? config.Betas : [0.9, 0.999];
        return new AdamW(model.Parameters(), config.Lr, betas[0], betas[1], 1e-8, config.WeightDecay);
    }
}
