namespace GeoDense.Geo;

/// <summary>How stitched probabilities are stored: float32 (nodata NaN) or uint8 with 0..254 = 0..1 (255 = nodata).</summary>
public enum ProbabilityEncoding { Float32, ScaledByte }

/// <summary>Receives finished class ids, one output block (a 2-D tile of the grid, row-major ids) at a time, in any order.</summary>
public delegate void ClassBlockSink(PixelWindow block, ReadOnlySpan<byte> classIds);

/// <summary>
/// What the stitcher writes. <see cref="ClassPath"/> gets argmax class ids (uint8, nodata <see cref="ClassNoData"/>);
/// <see cref="ProbabilityPath"/> gets the blended per-class scores; <see cref="ClassSink"/> receives class ids in memory
/// (evaluation scores them against labels without writing a file). At least one must be set.
/// <see cref="NodataSource"/> (normally the input raster) marks where the output is nodata too; so does each raster of
/// <see cref="AlsoNodataIn"/> (same grid, same <see cref="NodataBands"/>: the other date of a change pair), so a pixel
/// is output nodata when it is nodata in any of them.
/// <see cref="Overlap"/> is the overlap of neighbouring windows in tile pixels (tile - stride); defaults to a quarter tile.
/// <see cref="MemoryBudget"/> (bytes) caps the accumulators of unfinished output blocks held in memory; beyond it they are
/// parked in a scratch file in <see cref="ScratchFolder"/> (default: the output file's folder) until their windows
/// arrive. The result is the same either way.
/// <see cref="Resume"/> makes the output files resumable after a kill (see <see cref="StitchResume"/>).
/// </summary>
public sealed record StitcherOptions(
    int Channels,
    BlendMode Blend = BlendMode.Cosine,
    string? ClassPath = null,
    string? ProbabilityPath = null,
    ProbabilityEncoding ProbabilityEncoding = ProbabilityEncoding.Float32,
    GeoTiffOptions? Tiff = null,
    string? NodataSource = null,
    int[]? NodataBands = null,
    int? Overlap = null,
    byte ClassNoData = 255,
    ClassBlockSink? ClassSink = null,
    IReadOnlyList<string>? AlsoNodataIn = null,
    long MemoryBudget = StitcherOptions.DefaultMemoryBudget,
    string? ScratchFolder = null,
    StitchResume? Resume = null)
{
    /// <summary>
    /// 32 MiB: about one row of 256-pixel blocks 2000-3000 pixels wide for a few classes, and about the least a stitch
    /// of 256-pixel windows needs anyway (twice the 3 x 3 blocks one window can touch). A budget that only wide mosaics
    /// fill makes their RSS higher than a small one's; at this one nearly all fill it (docs/geo.md, "Memory").
    /// </summary>
    public const long DefaultMemoryBudget = 32L << 20;

    internal void Validate()
    {
        if (Channels <= 0 || Channels > 254) throw new ArgumentException($"Channels must be in 1..254 (got {Channels}).");
        if (ClassPath is null && ProbabilityPath is null && ClassSink is null) throw new ArgumentException("Set ClassPath, ProbabilityPath or ClassSink.");
        if (Resume is { FinishedBlockRows: < 0 }) throw new ArgumentException($"FinishedBlockRows must be >= 0 (got {Resume.FinishedBlockRows}).");
        if (Resume is { FinishedBlockRows: > 0 } && ClassSink is not null)
            throw new ArgumentException("A resumed stitch cannot feed ClassSink: the blocks of the rows already finished are not stitched again.");
        if (Resume is not null && Tiff is { Tiled: false }) throw new ArgumentException("Only tiled outputs can be resumed: a block must be whole tiles of the file.");
        if (MemoryBudget < 0) throw new ArgumentException($"MemoryBudget must be >= 0 bytes (got {MemoryBudget}).");
    }
}

/// <summary>
/// Block-row resume of one stitch. The output files are written under fixed hidden names that outlive a kill; each time
/// the leading rows of blocks are all written, the files are closed and reopened (so on disk and readable) and <see cref="BlockRowsSaved"/> receives
/// how many rows of blocks they now hold (the caller journals it). A later stitch given that count as
/// <see cref="FinishedBlockRows"/> reopens those files, writes only the blocks below and must be given every window
/// that touches them (whole batches, in the original order), so those blocks come out the same.
/// </summary>
public sealed record StitchResume(int FinishedBlockRows, Action<int> BlockRowsSaved);
