namespace GeoDense.Geo;

/// <summary>Per-band value statistics of a raster, from a decimated read (nodata and NaN excluded).</summary>
public sealed record BandStatistics(int Band, double Min, double Max, double Mean, double StdDev)
{
    /// <summary>
    /// Statistics of <paramref name="bands"/> from the raster read down to at most <paramref name="maxSide"/> pixels on its longer
    /// side (nearest neighbour, so values are real pixel values): cheap on any size, close enough to judge a value range.
    /// </summary>
    public static IReadOnlyList<BandStatistics> Sample(Raster raster, int[] bands, int maxSide = 512)
    {
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(raster.Width, raster.Height));
        int w = Math.Max(1, (int)(raster.Width * scale)), h = Math.Max(1, (int)(raster.Height * scale));
        var options = new WindowReadOptions(OutputWidth: w, OutputHeight: h, Resampling: Resampling.Nearest);
        var full = PixelWindow.Full(raster.Width, raster.Height);
        var values = raster.Read<double>(full, bands, options);
        var result = new List<BandStatistics>(bands.Length);
        for (int b = 0; b < bands.Length; b++)
        {
            double? nodata = raster.Band(bands[b]).NoData;
            double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sq = 0;
            long n = 0;
            foreach (var v in values.AsSpan(b * w * h, w * h))
            {
                if (double.IsNaN(v) || (nodata is { } nd && v == nd)) continue;
                min = Math.Min(min, v); max = Math.Max(max, v); sum += v; sq += v * v; n++;
            }
            double mean = n > 0 ? sum / n : double.NaN;
            result.Add(new BandStatistics(bands[b], n > 0 ? min : double.NaN, n > 0 ? max : double.NaN, mean,
                n > 0 ? Math.Sqrt(Math.Max(0, sq / n - mean * mean)) : double.NaN));
        }
        return result;
    }
}
