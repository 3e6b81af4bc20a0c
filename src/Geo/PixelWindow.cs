namespace GeoDense.Geo;

/// <summary>A rectangle of pixels: column X, row Y, Width x Height. May reach outside a raster (padding).</summary>
public readonly record struct PixelWindow(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;
    public int Bottom => Y + Height;
    public long Area => (long)Width * Height;
    public bool IsEmpty => Width <= 0 || Height <= 0;

    public static PixelWindow Full(int width, int height) => new(0, 0, width, height);

    public PixelWindow Intersect(PixelWindow other)
    {
        int x0 = Math.Max(X, other.X), y0 = Math.Max(Y, other.Y);
        int x1 = Math.Min(Right, other.Right), y1 = Math.Min(Bottom, other.Bottom);
        return x1 <= x0 || y1 <= y0 ? default : new PixelWindow(x0, y0, x1 - x0, y1 - y0);
    }

    public bool Contains(PixelWindow inner) =>
        inner.X >= X && inner.Y >= Y && inner.Right <= Right && inner.Bottom <= Bottom;

    public override string ToString() => $"[x={X}, y={Y}, {Width}x{Height}]";
}
