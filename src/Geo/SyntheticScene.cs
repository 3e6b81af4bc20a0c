namespace GeoDense.Geo;

/// <summary>Shape of a generated test/demo raster. Defaults: 3-band uint8 in UTM 33N (EPSG:32633), 0.5 m pixels.</summary>
public sealed record SyntheticSceneOptions(
    int Width, int Height, int Bands = 3, RasterDataType DataType = RasterDataType.Byte, int? Epsg = 32633,
    double OriginX = 400_000, double OriginY = 5_800_000, double PixelSize = 0.5,
    double? NoData = null, int NoDataBorder = 0, GeoTiffOptions? Tiff = null);

/// <summary>
/// Deterministic georeferenced rasters for demos, tests and benchmarks, written strip by strip (memory stays small
/// for any size). Pixel values come from <see cref="Value"/>, so a reader can check what it got without a copy.
/// </summary>
public static class SyntheticScene
{
    /// <summary>The value of band <paramref name="band"/> (1-based) at (x, y): 1..250, never 0.</summary>
    public static int Value(int band, int x, int y) =>
        (x / 37 * 11 + y / 23 * 7 + band * 85 + ((x ^ (y * 3)) & 15)) % 250 + 1;

    public static void Write(string path, SyntheticSceneOptions o)
    {
        var spec = new RasterSpec(o.Width, o.Height, o.Bands, o.DataType,
            o.Epsg is null ? null : GeoTransform.NorthUp(o.OriginX, o.OriginY, o.PixelSize),
            o.Epsg is { } epsg ? SpatialReference.FromEpsg(epsg) : null, o.NoData);
        using var writer = RasterWriter.Create(path, spec, o.Tiff);
        int stripRows = 64;
        var bands = Enumerable.Range(1, o.Bands).ToArray();
        var strip = new float[(long)stripRows * o.Width * o.Bands];
        float multiplier = o.DataType == RasterDataType.Byte ? 1 : 200;
        for (int y0 = 0; y0 < o.Height; y0 += stripRows)
        {
            int rows = Math.Min(stripRows, o.Height - y0);
            long plane = (long)rows * o.Width;
            for (int b = 0; b < o.Bands; b++)
                for (int y = 0; y < rows; y++)
                    for (int x = 0; x < o.Width; x++)
                        strip[b * plane + (long)y * o.Width + x] = x < o.NoDataBorder && o.NoData is { } nd
                            ? (float)nd
                            : Value(b + 1, x, y0 + y) * multiplier;
            writer.Write<float>(new PixelWindow(0, y0, o.Width, rows), bands, strip.AsSpan(0, (int)(plane * o.Bands)));
        }
        writer.Commit();
    }
}
