using SkiaSharp;

namespace GeoDense.Geo;

/// <summary>
/// PNG quick-looks drawn with SkiaSharp: a 2-98 percentile RGB stretch of an input, a palette-coloured class map
/// with a legend naming each class, and a change overlay. Large rasters are decimated to <c>maxSize</c> on their
/// longer side while reading; the legend sits beside the map at its own size, so it stays readable.
/// </summary>
public static class PngPreview
{
    public static void WriteRgb(Raster source, string pngPath, int[]? bands = null, int maxSize = 1024)
    {
        bands ??= source.BandCount >= 3 ? [1, 2, 3] : [1];
        var (w, h) = PreviewSize(source, maxSize);
        PngFile.WriteRgb(pngPath, StretchedRgb(source, bands, w, h), w, h);
    }

    /// <summary>
    /// The class map in <paramref name="palette"/> colours (default <see cref="Palettes.Default"/>) with a legend row
    /// per class, labelled from <paramref name="classNames"/> ("class N" past its end). Class id 255 and the band's
    /// nodata are painted <see cref="Palettes.NoData"/> grey, with a "nodata" legend row when present.
    /// </summary>
    public static void WriteClassMap(Raster classRaster, string pngPath, IReadOnlyList<string>? classNames = null,
        IReadOnlyList<Rgb>? palette = null, int maxSize = 1024, bool legend = true)
    {
        var (w, h) = PreviewSize(classRaster, maxSize);
        var ids = classRaster.Read<byte>(PixelWindow.Full(classRaster.Width, classRaster.Height), [1],
            new WindowReadOptions(OutputWidth: w, OutputHeight: h, Resampling: Resampling.Nearest));
        var noData = classRaster.Band(1).NoData;
        bool IsNoData(byte id) => id == 255 || (noData is { } nd && id == nd);
        int present = ids.Where(v => !IsNoData(v)).Select(v => v + 1).DefaultIfEmpty(0).Max();
        int classes = Math.Max(present, classNames?.Count ?? palette?.Count ?? 0);
        var colours = Palettes.Default(classes).ToArray();   // a short palette is completed with the default colours
        for (int i = 0; i < Math.Min(classes, palette?.Count ?? 0); i++) colours[i] = palette![i];

        var rgba = new byte[4 * ids.Length];
        bool anyNoData = false;
        for (int p = 0; p < ids.Length; p++)
        {
            var c = IsNoData(ids[p]) ? Palettes.NoData : colours[ids[p]];
            anyNoData |= IsNoData(ids[p]);
            rgba[4 * p] = c.R; rgba[4 * p + 1] = c.G; rgba[4 * p + 2] = c.B; rgba[4 * p + 3] = 255;
        }
        using var map = PngFile.FromRgba(rgba, w, h);
        if (!legend) { PngFile.Write(pngPath, map); return; }
        var entries = Enumerable.Range(0, classes)
            .Select(i => new LegendEntry(colours[i], classNames is not null && i < classNames.Count ? classNames[i] : $"class {i}")).ToList();
        if (anyNoData) entries.Add(new LegendEntry(Palettes.NoData, "nodata"));
        using var withLegend = PreviewLegend.Beside(map, entries);
        PngFile.Write(pngPath, withLegend);
    }

    /// <summary>The colour change regions are outlined in over the stretched after image.</summary>
    public static readonly Rgb ChangeTint = new(255, 0, 0);

    /// <summary>
    /// The stretched image with every change region (pixels of <paramref name="changeMap"/> > 0 that are not its
    /// nodata) outlined in <see cref="ChangeTint"/>, its inside left as the image shows it, so what changed stays
    /// visible. Pixels that are nodata in the change map (either date had none) are painted <see cref="Palettes.NoData"/>
    /// grey. The legend names both.
    /// </summary>
    public static void WriteChangeOverlay(Raster image, Raster changeMap, string pngPath, int[]? bands = null, int maxSize = 1024)
    {
        bands ??= image.BandCount >= 3 ? [1, 2, 3] : [1];
        var (w, h) = PreviewSize(image, maxSize);
        var rgb = StretchedRgb(image, bands, w, h);
        var change = changeMap.Read<byte>(PixelWindow.Full(changeMap.Width, changeMap.Height), [1],
            new WindowReadOptions(OutputWidth: w, OutputHeight: h, Resampling: Resampling.Nearest));
        int plane = w * h;
        var noData = changeMap.Band(1).NoData;
        bool IsNoData(byte v) => noData is { } nd && v == nd;
        bool Changed(int x, int y) => change[y * w + x] is var v && v != 0 && !IsNoData(v);
        bool anyNoData = false;
        void Paint(int p, Rgb c)
        {
            rgb[p] = c.R;
            rgb[plane + p] = c.G;
            rgb[2 * plane + p] = c.B;
        }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                if (IsNoData(change[p])) { Paint(p, Palettes.NoData); anyNoData = true; continue; }
                if (!Changed(x, y)) continue;
                // a changed pixel on the region's edge: a 4-neighbour is unchanged, or the picture ends there
                bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                            || !Changed(x - 1, y) || !Changed(x + 1, y) || !Changed(x, y - 1) || !Changed(x, y + 1);
                if (edge) Paint(p, ChangeTint);
            }
        using var map = PngFile.FromPlanes(rgb, w, h);
        List<LegendEntry> entries = [new(ChangeTint, "change (outline)")];
        if (anyNoData) entries.Add(new LegendEntry(Palettes.NoData, "nodata (either date)"));
        using var withLegend = PreviewLegend.Beside(map, entries);
        PngFile.Write(pngPath, withLegend);
    }

    internal static (int W, int H) PreviewSize(Raster raster, int maxSize)
    {
        double scale = Math.Min(1.0, (double)maxSize / Math.Max(raster.Width, raster.Height));
        return (Math.Max(1, (int)Math.Round(raster.Width * scale)), Math.Max(1, (int)Math.Round(raster.Height * scale)));
    }

    /// <summary>Three bands (a single band is repeated) stretched from their 2nd..98th percentile to 0..255; nodata is black.</summary>
    internal static byte[] StretchedRgb(Raster source, int[] bands, int w, int h)
    {
        int plane = w * h;
        var full = PixelWindow.Full(source.Width, source.Height);
        var read = new WindowReadOptions(OutputWidth: w, OutputHeight: h, Resampling: Resampling.Nearest);
        var values = source.Read<float>(full, bands, read);
        var valid = new byte[plane];
        if (source.AllValid(bands)) Array.Fill(valid, (byte)1);
        else
        {
            for (int i = 0; i < bands.Length; i++)
                if (source.Band(bands[i]).NoData is { } nd)
                    for (int p = 0; p < plane; p++) valid[p] |= (byte)(values[i * plane + p] != nd && !float.IsNaN(values[i * plane + p]) ? 1 : 0);
                else Array.Fill(valid, (byte)1);
        }
        var rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            int i = Math.Min(c, bands.Length - 1);
            var band = values.AsSpan(i * plane, plane);
            var sample = new List<float>(plane);
            for (int p = 0; p < plane; p++) if (valid[p] != 0) sample.Add(band[p]);
            if (sample.Count == 0) continue;
            sample.Sort();
            float lo = sample[(int)(0.02 * (sample.Count - 1))], hi = sample[(int)(0.98 * (sample.Count - 1))];
            float range = hi > lo ? hi - lo : 1;
            for (int p = 0; p < plane; p++)
                rgb[c * plane + p] = valid[p] == 0 ? (byte)0 : (byte)Math.Clamp((band[p] - lo) / range * 255f + 0.5f, 0f, 255f);
        }
        return rgb;
    }
}
