namespace GeoDense.Geo;

/// <summary>
/// GDAL's affine pixel -> map transform: x = OriginX + col*PixelWidth + row*RowRotation,
/// y = OriginY + col*ColumnRotation + row*PixelHeight (PixelHeight is negative for north-up rasters).
/// </summary>
public readonly record struct GeoTransform(double OriginX, double PixelWidth, double RowRotation,
                                           double OriginY, double ColumnRotation, double PixelHeight)
{
    public static readonly GeoTransform Identity = new(0, 1, 0, 0, 0, 1);

    public static GeoTransform NorthUp(double originX, double originY, double pixelSize) =>
        new(originX, pixelSize, 0, originY, 0, -pixelSize);

    public static GeoTransform FromArray(ReadOnlySpan<double> c) => new(c[0], c[1], c[2], c[3], c[4], c[5]);

    public double[] ToArray() => [OriginX, PixelWidth, RowRotation, OriginY, ColumnRotation, PixelHeight];

    public (double X, double Y) PixelToMap(double column, double row) =>
        (OriginX + column * PixelWidth + row * RowRotation, OriginY + column * ColumnRotation + row * PixelHeight);

    public (double Column, double Row) MapToPixel(double x, double y)
    {
        var det = PixelWidth * PixelHeight - RowRotation * ColumnRotation;
        if (det == 0) throw new InvalidOperationException("The geotransform is singular (zero pixel size).");
        double dx = x - OriginX, dy = y - OriginY;
        return ((dx * PixelHeight - dy * RowRotation) / det, (dy * PixelWidth - dx * ColumnRotation) / det);
    }

    /// <summary>The transform of a window's own grid (its pixel 0,0 at the window's corner).</summary>
    public GeoTransform ForWindow(int column, int row)
    {
        var (x, y) = PixelToMap(column, row);
        return this with { OriginX = x, OriginY = y };
    }

    /// <summary>The map-space bounding box of a pixel rectangle.</summary>
    public (double MinX, double MinY, double MaxX, double MaxY) Bounds(double width, double height)
    {
        Span<(double X, double Y)> corners = [PixelToMap(0, 0), PixelToMap(width, 0), PixelToMap(0, height), PixelToMap(width, height)];
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        foreach (var (x, y) in corners)
        {
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        return (minX, minY, maxX, maxY);
    }
}
