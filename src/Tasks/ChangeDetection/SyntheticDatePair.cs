using GeoDense.Geo;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>A rectangle in the before image's map coordinates (an object added or removed between the dates).</summary>
public sealed record MapRectangle(double MinX, double MinY, double MaxX, double MaxY)
{
    public bool Contains(double x, double y) => x >= MinX && x < MaxX && y >= MinY && y < MaxY;
}

/// <summary>
/// Two dates of one synthetic scene for tests, demos and benchmarks: the before image on a UTM grid, the after image
/// in another CRS (Web Mercator by default) at another resolution and shifted extent. Both sample one smooth
/// texture defined in the before image's map coordinates, so they agree wherever nothing changed; <see cref="Added"/>
/// objects appear only in the after image, <see cref="Removed"/> ones only in the before image (bright roofs, 235).
/// Optional nodata: columns on the before image's left, rows at the after image's bottom (value 0, declared).
/// </summary>
public sealed record SyntheticDatePair(int Width, int Height, double PixelSize = 1.0, int BeforeEpsg = 32633,
    double OriginX = 400_000, double OriginY = 5_800_000, int AfterEpsg = 3857, double AfterPixelSize = 1.6,
    double AfterShiftX = 0, double AfterShiftY = 0, IReadOnlyList<MapRectangle>? Added = null, IReadOnlyList<MapRectangle>? Removed = null,
    int BeforeNodataColumns = 0, int AfterNodataRows = 0)
{
    const byte Roof = 235;
    const int StripRows = 64;

    /// <summary>Writes both dates as tiled 3-band uint8 GeoTIFFs, strip by strip (memory stays small at any size).</summary>
    public void Write(string beforePath, string afterPath)
    {
        var beforeCrs = SpatialReference.FromEpsg(BeforeEpsg);
        var beforeTransform = GeoTransform.NorthUp(OriginX, OriginY, PixelSize);
        WriteDate(beforePath, new RasterGrid(Width, Height, beforeTransform, beforeCrs), beforeCrs, Removed ?? [],
            (x, y) => x < BeforeNodataColumns);

        var afterCrs = SpatialReference.FromEpsg(AfterEpsg);
        var (minX, minY, maxX, maxY) = FootprintIn(afterCrs, beforeCrs, beforeTransform.Bounds(Width, Height));
        int afterWidth = (int)Math.Ceiling((maxX - minX) / AfterPixelSize), afterHeight = (int)Math.Ceiling((maxY - minY) / AfterPixelSize);
        WriteDate(afterPath, new RasterGrid(afterWidth, afterHeight, GeoTransform.NorthUp(minX, maxY, AfterPixelSize), afterCrs), beforeCrs,
            Added ?? [], (x, y) => y >= afterHeight - AfterNodataRows);
    }

    /// <summary>
    /// The texture both dates show at a point of the before image's map: 25..155, never the nodata 0, and at least 80
    /// below a roof in every band, so an added or removed roof is a change whatever it covers. Wavelengths of 100 m and
    /// more keep resampling differences between the dates far smaller than that.
    /// </summary>
    public static byte Texture(int band, double x, double y)
    {
        double v = 90 + 30 * Math.Sin(x / 23.0 + band) + 25 * Math.Cos(y / 17.0 - 0.5 * band) + 10 * Math.Sin((x + y) / 41.0);
        return (byte)Math.Clamp(v, 25, 155);
    }

    /// <summary>The bounding box, in <paramref name="target"/>, of the before extent moved by the after shift.</summary>
    (double MinX, double MinY, double MaxX, double MaxY) FootprintIn(SpatialReference target, SpatialReference source,
        (double MinX, double MinY, double MaxX, double MaxY) bounds)
    {
        const int perEdge = 33;
        var xs = new double[4 * perEdge];
        var ys = new double[4 * perEdge];
        for (int i = 0; i < perEdge; i++)
        {
            double t = (double)i / (perEdge - 1), x = bounds.MinX + t * (bounds.MaxX - bounds.MinX), y = bounds.MinY + t * (bounds.MaxY - bounds.MinY);
            (xs[i], ys[i]) = (x, bounds.MinY);
            (xs[perEdge + i], ys[perEdge + i]) = (x, bounds.MaxY);
            (xs[2 * perEdge + i], ys[2 * perEdge + i]) = (bounds.MinX, y);
            (xs[3 * perEdge + i], ys[3 * perEdge + i]) = (bounds.MaxX, y);
        }
        for (int i = 0; i < xs.Length; i++) { xs[i] += AfterShiftX; ys[i] += AfterShiftY; }
        using var transform = new CoordinateTransform(source, target);
        transform.TransformMany(xs, ys);
        return (xs.Min(), ys.Min(), xs.Max(), ys.Max());
    }

    /// <param name="textureCrs">the CRS the texture and the objects are defined in (the before image's)</param>
    static void WriteDate(string path, RasterGrid grid, SpatialReference textureCrs, IReadOnlyList<MapRectangle> objects, Func<int, int, bool> isNodata)
    {
        using var writer = RasterWriter.Create(path, grid.ToSpec(3, RasterDataType.Byte, 0));
        using var toTexture = grid.Crs!.IsSameAs(textureCrs) ? null : new CoordinateTransform(grid.Crs, textureCrs);
        var transform = grid.GeoTransform!.Value;
        var strip = new byte[3 * StripRows * grid.Width];
        var xs = new double[grid.Width];
        var ys = new double[grid.Width];
        for (int y0 = 0; y0 < grid.Height; y0 += StripRows)
        {
            int rows = Math.Min(StripRows, grid.Height - y0), plane = rows * grid.Width;
            for (int r = 0; r < rows; r++)
            {
                for (int x = 0; x < grid.Width; x++) (xs[x], ys[x]) = transform.PixelToMap(x + 0.5, y0 + r + 0.5);
                toTexture?.TransformMany(xs, ys);
                for (int x = 0; x < grid.Width; x++)
                {
                    int p = r * grid.Width + x;
                    bool roof = objects.Any(o => o.Contains(xs[x], ys[x]));
                    for (int b = 0; b < 3; b++)
                        strip[b * plane + p] = isNodata(x, y0 + r) ? (byte)0 : roof ? Roof : Texture(b, xs[x], ys[x]);
                }
            }
            writer.Write<byte>(new PixelWindow(0, y0, grid.Width, rows), [1, 2, 3], strip.AsSpan(0, 3 * plane));
        }
        writer.Commit();
    }
}
