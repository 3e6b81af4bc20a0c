namespace GeoDense.Geo;

/// <summary>How stitched probabilities are stored: float32 (nodata NaN) or uint8 with 0..254 = 0..1 (255 = nodata).</summary>
public enum ProbabilityEncoding { Float32, ScaledByte }

/// <summary>Receives finished class ids, one full-width block of rows at a time (in any row order).</summary>
public delegate void ClassRowsSink(PixelWindow rows, ReadOnlySpan<byte> classIds);

/// <summary>
/// What the stitcher writes. <see cref="ClassPath"/> gets argmax class ids (uint8, nodata <see cref="ClassNoData"/>);
/// <see cref="ProbabilityPath"/> gets the blended per-class scores; <see cref="ClassSink"/> receives class ids in memory
/// (evaluation scores them against labels without writing a file). At least one must be set.
/// <see cref="NodataSource"/> (normally the input raster) marks where the output is nodata too; so does each raster of
/// <see cref="AlsoNodataIn"/> (same grid, same <see cref="NodataBands"/>: the other date of a change pair), so a pixel
/// is output nodata when it is nodata in any of them.
/// <see cref="Overlap"/> is the overlap of neighbouring windows in tile pixels (tile - stride); defaults to a quarter tile.
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
    ClassRowsSink? ClassSink = null,
    IReadOnlyList<string>? AlsoNodataIn = null)
{
    internal void Validate()
    {
        if (Channels <= 0 || Channels > 254) throw new ArgumentException($"Channels must be in 1..254 (got {Channels}).");
        if (ClassPath is null && ProbabilityPath is null && ClassSink is null) throw new ArgumentException("Set ClassPath, ProbabilityPath or ClassSink.");
    }
}
