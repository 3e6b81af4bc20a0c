using System.Globalization;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;

namespace GeoDense.Tasks.Training;

/// <summary>A complete saved training state: model weights and optimizer moments after <see cref="Iterations"/> steps.</summary>
public sealed record SavedCheckpoint(long Iterations, string Model, string Optimizer);

/// <summary>
/// `checkpoints/iter_NNNNNN.safetensors` (the model, self-describing: task metadata + the number of completed
/// iterations) and `iter_NNNNNN.optim.safetensors` (optimizer state). Each file is written atomically and the
/// optimizer file last, so a checkpoint is complete exactly when both exist; resume takes the newest complete one.
/// </summary>
public sealed class CheckpointStore(string workDir)
{
    public const string IterationsKey = "geodense.iterations";

    public string Directory { get; } = Path.Combine(workDir, "checkpoints");

    public void Save(long completedIterations, Module model, Optimizer optimizer, IReadOnlyDictionary<string, string> metadata)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var stem = Path.Combine(Directory, $"iter_{completedIterations:D6}");
        var count = completedIterations.ToString(CultureInfo.InvariantCulture);
        WriteWeights(stem + ".safetensors", model, metadata, completedIterations);
        TensorCheckpoints.SaveSafetensors(stem + ".optim.safetensors", optimizer.StateDict(), new Dictionary<string, string> { [IterationsKey] = count });
    }

    /// <summary>Weights with the task's metadata and the iteration count (also used for the final weights file).</summary>
    public static void WriteWeights(string path, Module model, IReadOnlyDictionary<string, string> metadata, long completedIterations)
    {
        var all = new Dictionary<string, string>(metadata) { [IterationsKey] = completedIterations.ToString(CultureInfo.InvariantCulture) };
        TensorCheckpoints.SaveSafetensors(path, model.StateDict(), all);
    }

    public SavedCheckpoint? Latest()
    {
        if (!System.IO.Directory.Exists(Directory)) return null;
        return System.IO.Directory.EnumerateFiles(Directory, "iter_*.optim.safetensors")
            .Select(optim => (Optim: optim, Model: optim.Replace(".optim.safetensors", ".safetensors", StringComparison.Ordinal)))
            .Where(p => File.Exists(p.Model))
            .Select(p => new SavedCheckpoint(IterationsOf(p.Optim), p.Model, p.Optim))
            .MaxBy(c => c.Iterations);
    }

    /// <summary>Loads model and optimizer state from <paramref name="checkpoint"/>.</summary>
    public static void Restore(SavedCheckpoint checkpoint, Module model, Optimizer optimizer)
    {
        using var scope = TorchRuntime.NewScope();
        try
        {
            model.LoadStateDict(TensorCheckpoints.LoadTensors(checkpoint.Model), strict: true);
            optimizer.LoadStateDict(TensorCheckpoints.LoadTensors(checkpoint.Optimizer));
        }
        catch (Exception e) when (e is StateDictMismatchException or ArgumentException or TorchException)
        {
            var detail = e is StateDictMismatchException m
                ? $"{m.Report.MissingKeys.Count} missing, {m.Report.UnexpectedKeys.Count} unexpected, {m.Report.ShapeMismatches.Count} wrong-shaped tensors"
                : e.Message.Split('\n')[0];
            throw new Pipelines.PipelineInputException(
                $"{checkpoint.Model}: the checkpoint does not fit the pipeline's model ({detail}); the pipeline changed since the run started: restore it, or train into a new work directory");
        }
    }

    static long IterationsOf(string path) =>
        long.Parse(Safetensors.ReadMetadata(path)[IterationsKey], CultureInfo.InvariantCulture);
}
