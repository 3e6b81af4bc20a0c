using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace GeoDense.Geo;

/// <summary>How the tiler reads: which bands (1-based), batch size, padding and how many batches to read ahead.</summary>
public sealed record TilerOptions(int[]? Bands = null, int BatchSize = 8, double PadValue = 0, bool NodataAsPad = true,
                                  int ReadAhead = 2, Resampling Resampling = Resampling.Bilinear);

/// <summary>Windows read together; the inference runner moves batches between its threads and disposes them.</summary>
public interface IWindowBatch : IDisposable
{
    IReadOnlyList<GridWindow> Windows { get; }
}

/// <summary>
/// A batch of windows read as float32, laid out N x C x H x W (ready for a model). The buffer is pooled:
/// dispose the batch when done with <see cref="Data"/>.
/// </summary>
public sealed class TileBatch : IWindowBatch
{
    private float[]? buffer;

    public IReadOnlyList<GridWindow> Windows { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Count => Windows.Count;
    public int TileLength => Channels * Height * Width;

    internal TileBatch(IReadOnlyList<GridWindow> windows, int channels, int height, int width, float[] buffer)
    {
        Windows = windows;
        Channels = channels;
        Height = height;
        Width = width;
        this.buffer = buffer;
    }

    /// <summary>The batch's pixels, exactly Count x C x H x W values.</summary>
    public Span<float> Data => (buffer ?? throw new ObjectDisposedException(nameof(TileBatch))).AsSpan(0, Count * TileLength);

    /// <summary>One tile (C x H x W) of the batch.</summary>
    public Span<float> Tile(int i) => Data.Slice(i * TileLength, TileLength);

    public void Dispose()
    {
        if (buffer is null) return;
        ArrayPool<float>.Shared.Return(buffer);
        buffer = null;
    }
}

/// <summary>
/// Streams batches of windows from a raster. Reading happens on a background task (its own GDAL handle) into a
/// bounded channel, so disk reads overlap model work and at most <see cref="TilerOptions.ReadAhead"/> batches wait.
/// </summary>
public static class Tiler
{
    public static IAsyncEnumerable<TileBatch> ReadBatchesAsync(string path, IReadOnlyList<GridWindow> windows,
        TilerOptions? options = null, CancellationToken cancellationToken = default) =>
        ReadBatchesAsync(() => Raster.Open(path), windows, options, cancellationToken);

    /// <summary>
    /// Reads from a raster that <paramref name="open"/> creates on the reader's own thread (GDAL handles are
    /// per thread), e.g. <c>() => Raster.Open("/vsimem/after-aligned.vrt")</c>.
    /// </summary>
    public static async IAsyncEnumerable<TileBatch> ReadBatchesAsync(Func<Raster> open, IReadOnlyList<GridWindow> windows,
        TilerOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new TilerOptions();
        if (options.BatchSize <= 0) throw new ArgumentException("Batch size must be positive.");
        var channel = Channel.CreateBounded<TileBatch>(new BoundedChannelOptions(Math.Max(1, options.ReadAhead))
        {
            SingleReader = true, SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(open, windows, options, channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return batch;
            await producer.ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            try { await producer.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            catch when (!producer.IsCompletedSuccessfully) { /* already surfaced above, or the consumer left early */ }
            while (channel.Reader.TryRead(out var leftover)) leftover.Dispose();
        }
    }

    /// <summary>Synchronous form of <see cref="ReadBatchesAsync"/> (the read-ahead still runs in the background).</summary>
    public static IEnumerable<TileBatch> ReadBatches(string path, IReadOnlyList<GridWindow> windows, TilerOptions? options = null) =>
        ReadBatchesAsync(path, windows, options).ToBlockingEnumerable();

    private static async Task Produce(Func<Raster> open, IReadOnlyList<GridWindow> windows, TilerOptions options,
        ChannelWriter<TileBatch> writer, CancellationToken cancellationToken)
    {
        try
        {
            using var raster = open();
            foreach (var group in Group(windows, options.BatchSize))
                await writer.WriteAsync(Read(raster, group, options), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>
    /// The tiler's batching rule: consecutive windows of equal output shape, at most <paramref name="batchSize"/> together.
    /// </summary>
    public static IEnumerable<IReadOnlyList<GridWindow>> Group(IReadOnlyList<GridWindow> windows, int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentException("Batch size must be positive.");
        var pending = new List<GridWindow>(batchSize);
        foreach (var window in windows)
        {
            if (pending.Count > 0 && (pending.Count == batchSize || !SameShape(pending[0], window)))
            {
                yield return pending;
                pending = new List<GridWindow>(batchSize);
            }
            pending.Add(window);
        }
        if (pending.Count > 0) yield return pending;
    }

    private static bool SameShape(GridWindow a, GridWindow b) => a.OutputWidth == b.OutputWidth && a.OutputHeight == b.OutputHeight;

    /// <summary>Reads one batch of equally shaped windows from <paramref name="raster"/> on the calling thread.</summary>
    public static TileBatch Read(Raster raster, IReadOnlyList<GridWindow> windows, TilerOptions options)
    {
        var bands = options.Bands ?? raster.AllBands();
        int h = windows[0].OutputHeight, w = windows[0].OutputWidth, tileLength = bands.Length * h * w;
        var buffer = ArrayPool<float>.Shared.Rent(tileLength * windows.Count);
        var batch = new TileBatch(windows, bands.Length, h, w, buffer);
        try
        {
            var readOptions = new WindowReadOptions(options.PadValue, options.NodataAsPad, w, h, options.Resampling);
            for (int i = 0; i < windows.Count; i++)
                raster.Read<float>(windows[i].Source, bands, batch.Tile(i), readOptions);
            return batch;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }
}
