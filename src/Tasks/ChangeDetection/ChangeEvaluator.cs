using System.Diagnostics;
using GeoDense.Heads.BIT;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// Scores a change model on labelled pairs, whole images in batches (the reference validates CDD's 256x256 pairs at
/// batch 16; the batch size matters for the per-batch mean F1). Pairs of another size start a new batch.
/// </summary>
public sealed class ChangeEvaluator(BitChangeDetector model, ChangePipeline pipeline, Device device, int batchSize)
{
    /// <summary>The reference's validation batch.</summary>
    public const int ReferenceBatchSize = 16;

    public ChangeMetrics Evaluate(IReadOnlyList<ChangePair> pairs, Action<InferenceProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var scores = new ChangeScores();
        var batch = new List<ChangeSample>();
        var clock = Stopwatch.StartNew();
        int done = 0;
        float[] mean = [.. pipeline.Input.Mean], std = [.. pipeline.Input.Std];
        void Flush()
        {
            if (batch.Count == 0) return;
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = TorchRuntime.NewScope();
            using var inference = TorchRuntime.InferenceMode();
            var tensors = ChangeBatches.ToTensors(batch, mean, std, device);
            var logits = model.Forward(tensors.Before, tensors.After);
            var predictions = logits.ArgMax(1).To(ScalarType.UInt8).Cpu().Contiguous().ToArray<byte>();
            var labels = batch.SelectMany(s => s.Label).ToArray();
            if (predictions.Length != labels.Length)
                throw new ChangeInputException($"{batch[0].Width}x{batch[0].Height} pairs give {logits.Shape[^1]}x{logits.Shape[^2]} logits; " +
                                               "change models need sides that are multiples of 16");
            scores.AddBatch(predictions, labels);
            done += batch.Count;
            progress?.Invoke(new InferenceProgress("pairs", done, pairs.Count, done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
            batch.Clear();
        }
        foreach (var pair in pairs)
        {
            var sample = ChangeSample.Read(pair, pipeline.Input.Bands);
            if (batch.Count > 0 && (batch[0].Height != sample.Height || batch[0].Width != sample.Width)) Flush();
            batch.Add(sample);
            if (batch.Count == batchSize) Flush();
        }
        Flush();
        return scores.Metrics();
    }

    /// <summary>
    /// `geodense eval change`: the labelled pairs under <paramref name="dataRoot"/> (the pipeline's data format, or the
    /// one whose folders are there) scored with the given weights.
    /// </summary>
    public static ChangeMetrics EvaluateWeights(ChangePipeline pipeline, string pipelineSource, string weights, string dataRoot, Device device,
        Action<InferenceProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(dataRoot)) throw new ChangeInputException("--data: the path is empty; give a dataset folder");
        if (File.Exists(dataRoot)) throw new ChangeInputException($"{dataRoot}: is a file; --data needs a dataset folder");
        if (!Directory.Exists(dataRoot)) throw new ChangeInputException($"{dataRoot}: data folder not found");
        var format = pipeline.Train?.Val?.Format ?? pipeline.Train?.Data.Format ?? FormatIn(dataRoot);
        var pairs = ChangeData.Find(format, dataRoot);
        using var session = ChangeModels.Load(pipeline, pipelineSource, weights, device);
        return new ChangeEvaluator(session.Model, pipeline, device, ReferenceBatchSize).Evaluate(pairs, progress, cancellationToken);
    }

    /// <summary>The format whose folders <paramref name="root"/> holds; cdd when none matches (its error then says what is missing).</summary>
    static string FormatIn(string root) => ChangeData.Formats.FirstOrDefault(f =>
    {
        var (before, after, label, _) = ChangeData.Layout(f);
        return new[] { before, after, label }.All(d => Directory.Exists(Path.Combine(root, d)));
    }) ?? "cdd";
}
