using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;

namespace GeoDense.Tasks.Detection;

/// <summary>
/// Batches of DOTA windows of one raster for the tiled runner: the Geo tiler's reads (its batching rule, resampled
/// windows for rates other than 1) with padding and nodata in the mean colour, as <see cref="DotaPatches"/> cuts them.
/// </summary>
public sealed class DotaWindowSource(string path, IReadOnlyList<GridWindow> windows, int[] bands, IReadOnlyList<float> padColour, int batchSize)
    : IWindowSource<TileBatch>
{
    public string Name => path;
    public int WindowCount => windows.Count;

    public IEnumerable<TileBatch> ReadBatches(CancellationToken cancellationToken)
    {
        var options = new TilerOptions(bands, batchSize, PadValue: float.NaN, NodataAsPad: true);
        using var raster = Raster.Open(path);
        foreach (var group in Tiler.Group(windows, batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = Tiler.Read(raster, group, options);
            for (int i = 0; i < batch.Count; i++) DotaPatches.FillPadding(batch.Tile(i), bands.Length, padColour);
            yield return batch;
        }
    }
}
