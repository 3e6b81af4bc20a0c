namespace GeoDense.Geo;

/// <summary>
/// How a window is read: parts outside the raster become <see cref="PadValue"/>; with <see cref="NodataAsPad"/>
/// pixels equal to their band's nodata value do too (so a model sees one "empty" value). An output size other
/// than the window size resamples (multi-scale grids).
/// </summary>
public sealed record WindowReadOptions(double PadValue = 0, bool NodataAsPad = false,
                                       int? OutputWidth = null, int? OutputHeight = null,
                                       Resampling Resampling = Resampling.Bilinear)
{
    public static WindowReadOptions Default { get; } = new();
}
