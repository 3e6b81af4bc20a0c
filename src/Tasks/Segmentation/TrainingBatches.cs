using System.Collections.Concurrent;
using GeoDense.Geo;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.Segmentation;

/// <summary>A batch ready for the model: normalised pixels (N x C x S x S) and labels (N x S x S).</summary>
public sealed record TrainingBatch(long Iteration, int Count, int Bands, int Size, float[] Pixels, long[] Labels);

/// <summary>
/// Produces augmented training batches on a background thread, straight from the GeoTIFFs: windows of the
/// tiling grid (like the reference's pre-cut 512/384 patches, but read in place) drawn at random, then
/// resized, cropped, flipped, distorted, normalised and padded. Batch i depends only on (seed, i) through a
/// <see cref="CounterRandom"/>, so a resumed run sees the same data as an uninterrupted one. The loader starts at
/// the first iteration asked for and reads ahead from there.
/// </summary>
public sealed class TrainingBatches(IReadOnlyList<LabelledRaster> rasters, int[] bands, byte ignoreIndex, int scoredClasses,
    int windowSize, int windowStride, Augmenter augmenter, int cropSize, int batchSize, long seed) : IDisposable
{
    BlockingCollection<TrainingBatch>? queue;
    CancellationTokenSource? stop;
    Thread? worker;
    Exception? failure;

    /// <summary>The batch of <paramref name="iteration"/>; rethrows a data error from the loader thread.</summary>
    public TrainingBatch Get(long iteration)
    {
        if (queue is null) Start(iteration);
        if (queue!.TryTake(out var batch, Timeout.Infinite))
        {
            if (batch.Iteration == iteration) return batch;
            Stop();   // asked out of order: start again from there
            return Get(iteration);
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        throw new InvalidOperationException("the training batch loader stopped");
    }

    void Start(long firstIteration)
    {
        queue = new BlockingCollection<TrainingBatch>(boundedCapacity: 3);
        stop = new CancellationTokenSource();
        var (q, token) = (queue, stop.Token);
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
                for (long it = firstIteration; !token.IsCancellationRequested; it++)
                {
                    var rng = new CounterRandom(seed, TrainingStream.Augmentation, it);
                    var pixels = new float[batchSize * bands.Length * cropSize * cropSize];
                    var labels = new long[batchSize * cropSize * cropSize];
                    for (int n = 0; n < batchSize; n++)
                    {
                        var (raster, window) = windows[rng.Next(windows.Count)];
                        var sample = augmenter.Apply(reader.Read(raster, window), rng);
                        sample.Image.CopyTo(pixels, n * sample.Image.Length);
                        for (int i = 0; i < sample.Labels.Length; i++) labels[n * sample.Labels.Length + i] = sample.Labels[i];
                    }
                    q.Add(new TrainingBatch(it, batchSize, bands.Length, cropSize, pixels, labels), token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { failure = e; }
            finally { q.CompleteAdding(); }
        }) { IsBackground = true, Name = "segmentation-batches" };
        worker.Start();
    }

    void Stop()
    {
        stop?.Cancel();
        worker?.Join();
        queue?.Dispose();
        stop?.Dispose();
        (queue, stop, worker) = (null, null, null);
    }

    public void Dispose() => Stop();
}
