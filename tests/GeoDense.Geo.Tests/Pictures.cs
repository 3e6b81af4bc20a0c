using SkiaSharp;

namespace GeoDense.Geo.Tests;

/// <summary>Reads a written PNG back with SkiaSharp (an independent decoder from the one that wrote it) and looks for things in it.</summary>
public static class Pictures
{
    public static SKBitmap Decode(string path) =>
        SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} is not a PNG SkiaSharp can decode");

    /// <summary>Text ink: dark grey to black, far from any palette colour used in the tests.</summary>
    public static bool IsInk(SKColor c) => c.Red < 90 && c.Green < 90 && c.Blue < 90;

    public static bool Is(SKColor c, Rgb rgb) => c.Red == rgb.R && c.Green == rgb.G && c.Blue == rgb.B;

    /// <summary>
    /// A block of colour <paramref name="rgb"/> in columns [x0, x1): rows holding a run of at least 10 such pixels (so
    /// anti-aliased text edges of the same grey do not count), their pixel count, middle row and right end.
    /// </summary>
    public static (int Count, int MiddleRow, int Right) Find(SKBitmap png, Rgb rgb, int x0, int x1)
    {
        int count = 0, top = int.MaxValue, bottom = -1, right = -1;
        for (int y = 0; y < png.Height; y++)
            for (int x = x0; x < x1; x++)
            {
                int run = 0;
                while (x + run < x1 && Is(png.GetPixel(x + run, y), rgb)) run++;
                if (run >= 10) { count += run; top = Math.Min(top, y); bottom = Math.Max(bottom, y); right = Math.Max(right, x + run - 1); }
                x += run;
            }
        return (count, (top + bottom) / 2, right);
    }

    /// <summary>How far right ink reaches on rows around <paramref name="row"/>, right of column <paramref name="from"/>; -1 when none.</summary>
    public static (int InkPixels, int Rightmost) InkRightOf(SKBitmap png, int row, int from, int halfHeight = 7)
    {
        int ink = 0, rightmost = -1;
        for (int y = Math.Max(0, row - halfHeight); y <= Math.Min(png.Height - 1, row + halfHeight); y++)
            for (int x = from; x < png.Width; x++)
                if (IsInk(png.GetPixel(x, y))) { ink++; rightmost = Math.Max(rightmost, x); }
        return (ink, rightmost);
    }
}
