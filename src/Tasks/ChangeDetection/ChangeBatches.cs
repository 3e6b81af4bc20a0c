using GeoDense.Tasks.Training;
using GeoDense.Torch;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>A batch of pairs as tensors: before and after [B, bands, H, W] (normalised), labels [B, H, W] int64.</summary>
public sealed record ChangeBatch(Tensor Before, Tensor After, Tensor Labels);

/// <summary>
/// Training batches of change pairs: which pairs and how they are augmented depend only on (seed, iteration)
/// (<see cref="EpochSampling"/>, <see cref="CounterRandom"/>), so a resumed run sees what an uninterrupted one saw.
/// Pairs are read from disk when needed (CDD's 10000 pairs do not fit in memory as floats).
/// </summary>
public sealed class ChangeBatches(IReadOnlyList<ChangePair> pairs, IReadOnlyList<int> bands, ChangeAugmentation augmentation,
    float[] mean, float[] std, int batchSize, long seed)
{
    public int Count => pairs.Count;

    /// <summary>The batch of <paramref name="iteration"/>, on <paramref name="device"/>, in the caller's dispose scope.</summary>
    public ChangeBatch Get(long iteration, Device device)
    {
        var random = new CounterRandom(seed, TrainingStream.Augmentation, iteration);
        var samples = EpochSampling.BatchIndices(seed, iteration, batchSize, pairs.Count)
            .Select(i => augmentation.Apply(ChangeSample.Read(pairs[i], bands), random)).ToList();
        var first = samples[0];
        foreach (var (s, i) in samples.Select((s, i) => (s, i)))
            if (s.Height != first.Height || s.Width != first.Width)
                throw new ChangeInputException($"pairs of different sizes in one batch ({first.Width}x{first.Height} and {s.Width}x{s.Height}); " +
                                               "set train.augment.crop_size to train on equal crops");
        return ToTensors(samples, mean, std, device);
    }

    /// <summary>Stacks samples of one size into a normalised batch: (x - mean) / std per band.</summary>
    public static ChangeBatch ToTensors(IReadOnlyList<ChangeSample> samples, float[] mean, float[] std, Device device)
    {
        var s0 = samples[0];
        int plane = s0.Height * s0.Width, per = s0.Bands * plane;
        var before = new float[samples.Count * per];
        var after = new float[samples.Count * per];
        var labels = new long[samples.Count * plane];
        for (int n = 0; n < samples.Count; n++)
        {
            var s = samples[n];
            for (int b = 0; b < s.Bands; b++)
            {
                float m = mean[b], inv = 1f / std[b];
                int from = b * plane, to = n * per + b * plane;
                for (int i = 0; i < plane; i++)
                {
                    before[to + i] = (s.Before[from + i] - m) * inv;
                    after[to + i] = (s.After[from + i] - m) * inv;
                }
            }
            for (int i = 0; i < plane; i++) labels[n * plane + i] = s.Label[i];
        }
        long[] shape = [samples.Count, s0.Bands, s0.Height, s0.Width];
        return new ChangeBatch(Tensor.FromArray(before, shape).To(device), Tensor.FromArray(after, shape).To(device),
            Tensor.FromArray(labels, samples.Count, s0.Height, s0.Width).To(device));
    }
}
