namespace GeoDense.Geo;

/// <summary>
/// Sliding-window geometry over a raster. Windows step by the stride and the last row/column is shifted back to end
/// exactly at the raster edge, so no window leaves the raster and no pixel is missed. Knows geometry, not models.
/// </summary>
public static class WindowGrid
{
    /// <summary>Window starts along one axis of <paramref name="length"/> pixels.</summary>
    public static IReadOnlyList<int> Starts(int length, int tile, int stride)
    {
        if (length <= tile) return [0];
        var starts = new List<int>();
        for (int s = 0; ; s += stride)
        {
            if (s + tile >= length)
            {
                starts.Add(length - tile);
                return starts;
            }
            starts.Add(s);
        }
    }

    /// <summary>All windows for a raster of the given size, scale by scale, row-major within a scale.</summary>
    public static IReadOnlyList<GridWindow> Create(int width, int height, GridOptions options)
    {
        options.Validate();
        if (width <= 0 || height <= 0) throw new ArgumentException($"Raster size {width}x{height} has no pixels.");
        var windows = new List<GridWindow>();
        foreach (var scale in options.EffectiveScales)
        {
            int scaledW = Math.Max(1, (int)Math.Round(width * scale)), scaledH = Math.Max(1, (int)Math.Round(height * scale));
            int tileW = options.PadSmallRasters ? options.TileSize : Math.Min(options.TileSize, scaledW);
            int tileH = options.PadSmallRasters ? options.TileSize : Math.Min(options.TileSize, scaledH);
            var columns = Starts(scaledW, tileW, options.Stride);
            var rows = Starts(scaledH, tileH, options.Stride);
            foreach (var top in rows)
                foreach (var left in columns)
                {
                    var (x, w) = ToSource(left, tileW, scale, width);
                    var (y, h) = ToSource(top, tileH, scale, height);
                    windows.Add(new GridWindow(windows.Count, new PixelWindow(x, y, w, h), tileW, tileH, scale, left, top));
                }
        }
        return windows;
    }

    /// <summary>
    /// The grid over <paramref name="raster"/>; with <see cref="GridOptions.SkipNodata"/> windows whose pixels are all
    /// nodata in every band of <paramref name="bands"/> are left out (conservatively: never a window with valid pixels).
    /// </summary>
    public static IReadOnlyList<GridWindow> Create(Raster raster, GridOptions options, int[]? bands = null)
    {
        var all = Create(raster.Width, raster.Height, options);
        bands ??= raster.AllBands();
        if (!options.SkipNodata || raster.AllValid(bands)) return all;
        var index = ValidityIndex.Build(raster, bands);
        var kept = all.Where(w => index.AnyValid(w.Source)).ToList();
        return kept.Select((w, i) => w with { Index = i }).ToList();
    }

    /// <summary>Maps a run [start, start+size) of the rescaled image back to source pixels, kept inside the raster when it fits.</summary>
    private static (int Start, int Size) ToSource(int start, int size, double scale, int sourceLength)
    {
        if (scale == 1.0) return (start, size);
        int s = (int)Math.Round(start / scale), n = Math.Max(1, (int)Math.Round(size / scale));
        if (n <= sourceLength && s + n > sourceLength) s = sourceLength - n;
        return (s, n);
    }
}

/// <summary>A coarse map (cells of <see cref="CellSize"/> pixels) of where a raster has any valid pixel.</summary>
internal sealed class ValidityIndex
{
    public const int CellSize = 16;
    private readonly bool[,] anyValid;

    private ValidityIndex(bool[,] anyValid) => this.anyValid = anyValid;

    public static ValidityIndex Build(Raster raster, int[] bands)
    {
        int cellsX = (raster.Width + CellSize - 1) / CellSize, cellsY = (raster.Height + CellSize - 1) / CellSize;
        var cells = new bool[cellsY, cellsX];
        // read in 2-D chunks, so the mask buffer does not grow with the raster's width
        int chunk = CellSize * 64;
        var mask = new byte[chunk * chunk];
        for (int y0 = 0; y0 < raster.Height; y0 += chunk)
            for (int x0 = 0; x0 < raster.Width; x0 += chunk)
            {
                var part = new PixelWindow(x0, y0, Math.Min(chunk, raster.Width - x0), Math.Min(chunk, raster.Height - y0));
                raster.ReadValidMask(part, bands, mask.AsSpan(0, part.Width * part.Height));
                for (int y = 0; y < part.Height; y++)
                {
                    int cy = (y0 + y) / CellSize;
                    var row = mask.AsSpan(y * part.Width, part.Width);
                    for (int x = 0; x < row.Length; x++)
                        if (row[x] != 0) cells[cy, (x0 + x) / CellSize] = true;
                }
            }
        return new ValidityIndex(cells);
    }

    public bool AnyValid(PixelWindow window)
    {
        int cx0 = Math.Max(0, window.X / CellSize), cy0 = Math.Max(0, window.Y / CellSize);
        int cx1 = Math.Min(anyValid.GetLength(1) - 1, (window.Right - 1) / CellSize);
        int cy1 = Math.Min(anyValid.GetLength(0) - 1, (window.Bottom - 1) / CellSize);
        for (int cy = cy0; cy <= cy1; cy++)
            for (int cx = cx0; cx <= cx1; cx++)
                if (anyValid[cy, cx]) return true;
        return false;
    }
}
