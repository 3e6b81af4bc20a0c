using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>Class colours. The first six are the ISPRS Potsdam label colours.</summary>
public static class Palettes
{
    public static IReadOnlyList<Rgb> Default(int classes)
    {
        Rgb[] potsdam = [new(255, 255, 255), new(0, 0, 255), new(0, 255, 255), new(0, 255, 0), new(255, 255, 0), new(255, 0, 0)];
        return Enumerable.Range(0, classes).Select(i => i < potsdam.Length ? potsdam[i]
            : new Rgb((byte)(37 * i % 256), (byte)(91 * i % 256), (byte)(173 * i % 256))).ToArray();
    }
}

/// <summary>
/// PNG quick-looks through GDAL's PNG driver (MEM raster, then CreateCopy): a 2-98 percentile RGB stretch of an input,
/// a palette-coloured class map with a legend strip, and a change overlay. Large rasters are decimated to
/// <c>maxSize</c> on their longer side while reading.
/// </summary>
public static class PngPreview
{
    private const int LegendHeight = 16;

    public static void WriteRgb(Raster source, string pngPath, int[]? bands = null, int maxSize = 1024)
    {
        bands ??= source.BandCount >= 3 ? [1, 2, 3] : [1];
        var (w, h) = PreviewSize(source, maxSize);
        var rgb = StretchedRgb(source, bands, w, h);
        WritePng(pngPath, rgb, w, h, 3, palette: null);
    }

    public static void WriteClassMap(Raster classRaster, string pngPath, IReadOnlyList<Rgb>? palette = null, int classes = 0,
        int maxSize = 1024, bool legend = true)
    {
        var (w, h) = PreviewSize(classRaster, maxSize);
        var ids = classRaster.Read<byte>(PixelWindow.Full(classRaster.Width, classRaster.Height), [1],
            new WindowReadOptions(OutputWidth: w, OutputHeight: h, Resampling: Resampling.Nearest));
        if (classes <= 0) classes = palette?.Count ?? ids.Where(v => v != 255).DefaultIfEmpty((byte)0).Max() + 1;
        palette ??= Palettes.Default(classes);
        int legendRows = legend ? LegendHeight : 0;
        var pixels = new byte[(long)w * (h + legendRows)];
        ids.CopyTo(pixels, 0);
        for (int y = 0; y < legendRows; y++)
            for (int x = 0; x < w; x++)
                pixels[(long)(h + y) * w + x] = (byte)Math.Min(classes - 1, x * classes / w);
        WritePng(pngPath, pixels, w, h + legendRows, 1, palette);
    }

    /// <summary>The stretched image with changed pixels (class 1 of <paramref name="changeMap"/>, or any value > 0) tinted red.</summary>
    public static void WriteChangeOverlay(Raster image, Raster changeMap, string pngPath, int[]? bands = null, int maxSize = 1024)
    {
        bands ??= image.BandCount >= 3 ? [1, 2, 3] : [1];
        var (w, h) = PreviewSize(image, maxSize);
        var rgb = StretchedRgb(image, bands, w, h);
        var change = changeMap.Read<byte>(PixelWindow.Full(changeMap.Width, changeMap.Height), [1],
            new WindowReadOptions(OutputWidth: w, OutputHeight: h, Resampling: Resampling.Nearest));
        int plane = w * h;
        var noData = changeMap.Band(1).NoData;
        for (int p = 0; p < plane; p++)
        {
            if (change[p] == 0 || (noData is { } nd && change[p] == nd)) continue;
            rgb[p] = (byte)((rgb[p] + 255) / 2);
            rgb[plane + p] = (byte)(rgb[plane + p] / 2);
            rgb[2 * plane + p] = (byte)(rgb[2 * plane + p] / 2);
        }
        WritePng(pngPath, rgb, w, h, 3, palette: null);
    }

    private static (int W, int H) PreviewSize(Raster raster, int maxSize)
    {
        double scale = Math.Min(1.0, (double)maxSize / Math.Max(raster.Width, raster.Height));
        return (Math.Max(1, (int)Math.Round(raster.Width * scale)), Math.Max(1, (int)Math.Round(raster.Height * scale)));
    }

    /// <summary>Three bands (a single band is repeated) stretched from their 2nd..98th percentile to 0..255; nodata is black.</summary>
    private static byte[] StretchedRgb(Raster source, int[] bands, int w, int h)
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

    private static unsafe void WritePng(string path, byte[] pixels, int w, int h, int bandCount, IReadOnlyList<Rgb>? palette)
    {
        using var mem = Raster.CreateInMemory(new RasterSpec(w, h, bandCount, RasterDataType.Byte));
        mem.Write<byte>(PixelWindow.Full(w, h), Enumerable.Range(1, bandCount).ToArray(), pixels);
        if (palette is not null)
        {
            var table = GdalRasterApi.GDALCreateColorTable(1);
            try
            {
                for (int i = 0; i < 256; i++)
                {
                    var c = i < palette.Count ? palette[i] : new Rgb(0, 0, 0);
                    var entry = new GdalRasterApi.ColorEntry { C1 = c.R, C2 = c.G, C3 = c.B, C4 = 255 };
                    GdalRasterApi.GDALSetColorEntry(table, i, &entry);
                }
                GdalRasterApi.GDALSetRasterColorTable(mem.BandHandle(1), table);
            }
            finally
            {
                GdalRasterApi.GDALDestroyColorTable(table);
            }
        }
        using var output = VsiFileSystem.Begin(path);
        GdalLibrary.ClearError();
        var png = GdalRasterApi.GDALCreateCopy(RasterWriter.Driver("PNG"), output.TemporaryPath, mem.Handle, 0, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (png == IntPtr.Zero) throw new GdalException($"Cannot write PNG '{path}': {GdalLibrary.TakeError()}");
        GdalRasterApi.GDALClose(png);
        // the PNG driver leaves a sidecar named after the temporary file; nobody reads it
        Vsi.Delete(output.TemporaryPath + ".aux.xml");
        output.Commit();
    }
}
