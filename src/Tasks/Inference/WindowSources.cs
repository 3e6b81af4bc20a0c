using GeoDense.Geo;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// The windows one run reads, batched. <see cref="ReadBatches"/> is enumerated on the runner's reader thread,
/// which opens its own GDAL handles there (GDAL datasets are not shared between threads).
/// </summary>
public interface IWindowSource<out TBatch> where TBatch : IWindowBatch
{
    /// <summary>What the progress line calls this input.</summary>
    string Name { get; }
    int WindowCount { get; }
    IEnumerable<TBatch> ReadBatches(CancellationToken cancellationToken);
}

/// <summary>Windows of one raster (segmentation, detection, evaluation).</summary>
public sealed class RasterWindows(string path, IReadOnlyList<GridWindow> windows, TilerOptions options) : IWindowSource<TileBatch>
{
    public string Name => path;
    public int WindowCount => windows.Count;

    public IEnumerable<TileBatch> ReadBatches(CancellationToken cancellationToken)
    {
        using var raster = Raster.Open(path);
        foreach (var group in Tiler.Group(windows, options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Tiler.Read(raster, group, options);
        }
    }
}

/// <summary>The same window of two acquisition dates, read together.</summary>
public sealed class PairedTileBatch(TileBatch before, TileBatch after) : IWindowBatch
{
    public TileBatch Before { get; } = before;
    public TileBatch After { get; } = after;
    public IReadOnlyList<GridWindow> Windows => Before.Windows;

    public void Dispose()
    {
        Before.Dispose();
        After.Dispose();
    }
}

/// <summary>
/// Paired windows of two rasters on one pixel grid (change detection). <paramref name="openAfter"/> usually opens
/// the after image warped onto the before image's grid (a VRT), so both reads address the same pixels.
/// </summary>
public sealed class PairedRasterWindows(string name, Func<Raster> openBefore, Func<Raster> openAfter, IReadOnlyList<GridWindow> windows,
    TilerOptions options) : IWindowSource<PairedTileBatch>
{
    public string Name => name;
    public int WindowCount => windows.Count;

    public IEnumerable<PairedTileBatch> ReadBatches(CancellationToken cancellationToken)
    {
        using var before = openBefore();
        using var after = openAfter();
        if ((before.Width, before.Height) != (after.Width, after.Height))
            throw new RasterInputException(after.Path, $"{after.Path}: {after.Width}x{after.Height} pixels, but the paired raster {before.Path} is {before.Width}x{before.Height}; align them onto one grid first");
        foreach (var group in Tiler.Group(windows, options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = Tiler.Read(before, group, options);
            TileBatch second;
            try { second = Tiler.Read(after, group, options); }
            catch { first.Dispose(); throw; }
            yield return new PairedTileBatch(first, second);
        }
    }
}

/// <summary>
/// Windows of one raster in batches fixed beforehand: a worker shard runs exactly the batches a one-process run forms
/// for its rows, so every tile sees the same batch (and the same arithmetic) as there.
/// </summary>
public sealed class RasterWindowGroups(string path, IReadOnlyList<IReadOnlyList<GridWindow>> groups, TilerOptions options) : IWindowSource<TileBatch>
{
    public string Name => path;
    public int WindowCount => groups.Sum(g => g.Count);

    public IEnumerable<TileBatch> ReadBatches(CancellationToken cancellationToken)
    {
        using var raster = Raster.Open(path);
        foreach (var group in groups)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Tiler.Read(raster, group, options);
        }
    }
}
