using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using GeoDense.Geo;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// The one tiled-inference loop of every task: a reader thread reads window batches, an inference thread runs the
/// model on them, and the calling thread consumes the results (dense scores into the streaming stitcher, detections
/// into a merger, class rows into a confusion matrix), so disk, model and writer overlap. At most
/// <c>depth</c> batches wait between stages, so memory stays a few batches whatever the raster's size.
/// The first failure of any stage stops the others and is rethrown as it was; cancellation stops all three
/// within one batch and throws <see cref="OperationCanceledException"/>. Every batch is disposed exactly once; an
/// output the consumer never saw is disposed when it is <see cref="IDisposable"/> (the consumer owns the others).
/// </summary>
public static class TiledRunner
{
    /// <param name="infer">runs on the inference thread (libtorch's grad and inference modes are per thread)</param>
    /// <param name="consume">runs on the calling thread, in the order the reader produced the batches</param>
    /// <returns>windows consumed</returns>
    public static int Run<TBatch, TOutput>(IWindowSource<TBatch> source, Func<TBatch, TOutput> infer, Action<TBatch, TOutput> consume,
        Action<InferenceProgress>? progress = null, CancellationToken cancellationToken = default, int depth = 2)
        where TBatch : IWindowBatch
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var read = new BlockingCollection<TBatch>(depth);
        using var inferred = new BlockingCollection<(TBatch Batch, TOutput Output)>(depth);
        Exception? failure = null;
        void Fail(Exception e)
        {
            if (e is OperationCanceledException && stop.IsCancellationRequested) return;   // a consequence, not a cause
            Interlocked.CompareExchange(ref failure, e, null);
            stop.Cancel();
        }

        var reader = Start($"{source.Name}: read", () =>
        {
            try
            {
                foreach (var batch in source.ReadBatches(stop.Token))
                    if (!TryAdd(read, batch, stop.Token)) { batch.Dispose(); break; }
            }
            catch (Exception e) { Fail(e); }
            finally { read.CompleteAdding(); }
        });
        var model = Start($"{source.Name}: infer", () =>
        {
            try
            {
                foreach (var batch in read.GetConsumingEnumerable(stop.Token))
                {
                    TOutput output;
                    try { output = infer(batch); }
                    catch { batch.Dispose(); throw; }
                    if (!TryAdd(inferred, (batch, output), stop.Token)) { batch.Dispose(); Release(output); break; }
                }
            }
            catch (Exception e) { Fail(e); }
            finally { inferred.CompleteAdding(); }
        });

        int done = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var (batch, output) in inferred.GetConsumingEnumerable(stop.Token))
                using (batch)
                {
                    consume(batch, output);
                    done += batch.Windows.Count;
                    progress?.Invoke(new InferenceProgress(source.Name, done, source.WindowCount, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
                }
        }
        catch (Exception e) { Fail(e); }
        finally
        {
            if (failure is not null || cancellationToken.IsCancellationRequested) stop.Cancel();
            reader.Join();
            model.Join();
            while (read.TryTake(out var left)) left.Dispose();
            while (inferred.TryTake(out var left))
            {
                left.Batch.Dispose();
                Release(left.Output);
            }
        }
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return done;
    }

    /// <summary>Outputs that hold native memory (tensors) are released when a stopped run drops them unconsumed.</summary>
    static void Release<T>(T output)
    {
        if (output is IDisposable disposable) disposable.Dispose();
    }

    static bool TryAdd<T>(BlockingCollection<T> queue, T item, CancellationToken token)
    {
        try { queue.Add(item, token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    static Thread Start(string name, Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
