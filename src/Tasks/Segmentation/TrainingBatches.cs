using System.Collections.Concurrent;
using GeoDense.Geo;

namespace GeoDense.Tasks.Segmentation;

/// <summary>A batch ready for the model: normalised pixels (N x C x S x S) and labels (N x S x S).</summary>
public sealed record TrainingBatch(long Iteration, int Count, int Bands, int Size, float[] Pixels, long[] Labels);

/// <summary>
/// Produces augmented training batches on a background thread, straight from the GeoTIFFs: windows of the
/// tiling grid (like the reference's pre-cut 512/384 patches, but read in place) drawn at random, then
/// resized, cropped, flipped, distorted, normalised and padded. Batch i depends only on (seed, i), so a
/// resumed run sees the same data as an uninterrupted one.
/// </summary>
public sealed class TrainingBatches : IDisposable
{
    readonly BlockingCollection<TrainingBatch> queue = new(boundedCapacity: 3);
    readonly CancellationTokenSource stop = new();
    readonly Thread worker;
    Exception? failure;

    public TrainingBatches(IReadOnlyList<LabelledRaster> rasters, int[] bands, byte ignoreIndex, int scoredClasses,
        int windowSize, int windowStride, Augmenter augmenter, int cropSize, int batchSize, int seed, long firstIteration, long iterations)
    {
        worker = new Thread(() =>
        {
            try
            {
                using var reader = new LabelledWindowReader(rasters, bands, ignoreIndex, scoredClasses);
                var windows = new List<(int Raster, PixelWindow Window)>();
                for (int r = 0; r < rasters.Count; r++)
                {
                    var (w, h) = reader.Size(r);
                    foreach (var gw in WindowGrid.Create(w, h, new GridOptions(windowSize, windowStride, PadSmallRasters: false)))
                        windows.Add((r, gw.Source));
                }
                for (long it = firstIteration; it < iterations && !stop.IsCancellationRequested; it++)
                {
                    var rng = new Random(HashCode.Combine(seed, it));
                    var pixels = new float[batchSize * bands.Length * cropSize * cropSize];
                    var labels = new long[batchSize * cropSize * cropSize];
                    for (int n = 0; n < batchSize; n++)
                    {
                        var (raster, window) = windows[rng.Next(windows.Count)];
                        var sample = augmenter.Apply(reader.Read(raster, window), rng);
                        sample.Image.CopyTo(pixels, n * sample.Image.Length);
                        for (int i = 0; i < sample.Labels.Length; i++) labels[n * sample.Labels.Length + i] = sample.Labels[i];
                    }
                    queue.Add(new TrainingBatch(it, batchSize, bands.Length, cropSize, pixels, labels), stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        }) { IsBackground = true, Name = "segmentation-batches" };
        worker.Start();
    }

    /// <summary>The next batch; rethrows a data error from the loader thread.</summary>
    public TrainingBatch Next()
    {
        if (queue.TryTake(out var batch, Timeout.Infinite)) return batch;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        throw new InvalidOperationException("no more training batches");
    }

    public void Dispose()
    {
        stop.Cancel();
        worker.Join();
        queue.Dispose();
        stop.Dispose();
    }
}
