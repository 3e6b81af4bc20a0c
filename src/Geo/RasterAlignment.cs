using System.Globalization;
using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

/// <summary>
/// Puts a second raster onto a first one's pixel grid (change detection between two dates with different CRS,
/// resolution or extent). The result is a GDAL warped VRT: pixels are reprojected lazily, window by window.
/// </summary>
public static unsafe class RasterAlignment
{
    /// <summary>
    /// Opens <paramref name="otherPath"/> warped onto <paramref name="reference"/>'s grid: same size, geotransform and CRS.
    /// Throws <see cref="RasterInputException"/> when either lacks a georeference or the two do not overlap.
    /// </summary>
    public static Raster AlignTo(Raster reference, string otherPath, Resampling resampling = Resampling.Bilinear) =>
        Warp(reference, otherPath, resampling, destination: "", alphaOutside: false);

    /// <summary>
    /// Like <see cref="AlignTo"/> but saves the warped VRT at <paramref name="vrtPath"/> (e.g. /vsimem/after.vrt or a
    /// file), so other threads (the tiler's reader) can open it by path.
    /// </summary>
    /// <param name="alphaOutside">adds an alpha band that is 0 where the other raster has no pixels (outside its
    /// footprint, or its own nodata), so GDAL's mask of every band says "nodata" there</param>
    public static void WriteAlignedVrt(Raster reference, string otherPath, string vrtPath, Resampling resampling = Resampling.Bilinear,
        bool alphaOutside = false)
    {
        var source = Vsi.IsVirtual(otherPath) ? otherPath : System.IO.Path.GetFullPath(otherPath);
        using var aligned = Warp(reference, source, resampling, vrtPath, alphaOutside);
    }

    private static Raster Warp(Raster reference, string otherPath, Resampling resampling, string destination, bool alphaOutside)
    {
        var target = reference.GeoTransform
            ?? throw new RasterInputException(reference.Path, $"'{reference.Path}' has no geotransform, so nothing can be aligned onto its grid.");
        var targetCrs = reference.SpatialReference
            ?? throw new RasterInputException(reference.Path, $"'{reference.Path}' has no CRS, so nothing can be aligned onto its grid.");
        if (target.RowRotation != 0 || target.ColumnRotation != 0)
            throw new RasterInputException(reference.Path, $"'{reference.Path}' has a rotated geotransform; alignment needs a north-up reference grid.");

        var source = Raster.Open(otherPath);
        try
        {
            EnsureOverlap(reference, source);
            var (minX, minY, maxX, maxY) = target.Bounds(reference.Width, reference.Height);
            var c = CultureInfo.InvariantCulture;
            using var argv = new CStringList([
                "-of", "VRT", "-t_srs", targetCrs.Wkt,
                "-te", minX.ToString("R", c), minY.ToString("R", c), maxX.ToString("R", c), maxY.ToString("R", c),
                "-ts", reference.Width.ToString(c), reference.Height.ToString(c),
                "-r", resampling.GdalName(),
                .. (alphaOutside ? (string[])["-dstalpha"] : []),
            ]);
            var options = WarpApi.GDALWarpAppOptionsNew(argv.Handle, IntPtr.Zero);
            if (options == IntPtr.Zero) throw new GdalException($"Invalid warp options: {GdalLibrary.TakeError()}");
            try
            {
                var handle = source.Handle;
                int usageError;
                GdalLibrary.ClearError();
                var warped = WarpApi.GDALWarp(destination, IntPtr.Zero, 1, &handle, options, &usageError);
                if (warped == IntPtr.Zero)
                    throw new RasterInputException(otherPath, $"Cannot reproject '{otherPath}' onto the grid of '{reference.Path}': {GdalLibrary.TakeError()}");
                // The VRT reads through the source handle, so the source lives as long as the aligned raster.
                return Raster.Adopt(warped, $"{otherPath} (aligned to {reference.Path})", writable: false, owned: source);
            }
            finally
            {
                WarpApi.GDALWarpAppOptionsFree(options);
            }
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Throws a clear <see cref="RasterInputException"/> naming both files when their footprints do not intersect.</summary>
    public static void EnsureOverlap(Raster reference, Raster other) => OverlapWindow(reference, other);

    /// <summary>
    /// The pixels of <paramref name="reference"/> that <paramref name="other"/> covers: the bounding box of the other
    /// raster's outline in the reference's CRS, widened to whole reference pixels and cut to the reference. Throws a
    /// <see cref="RasterInputException"/> naming both files when it is empty (the two do not overlap).
    /// </summary>
    public static PixelWindow OverlapWindow(Raster reference, Raster other)
    {
        var otherTransform = other.GeoTransform
            ?? throw new RasterInputException(other.Path, $"'{other.Path}' has no geotransform, so it cannot be placed on the map next to '{reference.Path}'.");
        var otherCrs = other.SpatialReference
            ?? throw new RasterInputException(other.Path, $"'{other.Path}' has no CRS, so it cannot be placed on the map next to '{reference.Path}'.");
        var referenceTransform = reference.RequireGeoTransform();
        var referenceBounds = referenceTransform.Bounds(reference.Width, reference.Height);

        // Sample the other raster's outline densely: straight edges bend under reprojection.
        const int perEdge = 21;
        var xs = new double[perEdge * 4];
        var ys = new double[perEdge * 4];
        for (int i = 0; i < perEdge; i++)
        {
            double t = (double)i / (perEdge - 1);
            (xs[i], ys[i]) = otherTransform.PixelToMap(t * other.Width, 0);
            (xs[perEdge + i], ys[perEdge + i]) = otherTransform.PixelToMap(t * other.Width, other.Height);
            (xs[2 * perEdge + i], ys[2 * perEdge + i]) = otherTransform.PixelToMap(0, t * other.Height);
            (xs[3 * perEdge + i], ys[3 * perEdge + i]) = otherTransform.PixelToMap(other.Width, t * other.Height);
        }
        using (var transform = new CoordinateTransform(otherCrs, reference.RequireCrs()))
            if (transform.TransformMany(xs, ys) == 0) throw NoOverlap(reference, other, "its corners cannot be expressed in the first raster's CRS");
        double minX = xs.Where(double.IsFinite).Min(), maxX = xs.Where(double.IsFinite).Max();
        double minY = ys.Where(double.IsFinite).Min(), maxY = ys.Where(double.IsFinite).Max();
        if (maxX <= referenceBounds.MinX || minX >= referenceBounds.MaxX || maxY <= referenceBounds.MinY || minY >= referenceBounds.MaxY)
            throw NoOverlap(reference, other, string.Create(CultureInfo.InvariantCulture,
                $"'{other.Path}' covers x {minX:F1}..{maxX:F1}, y {minY:F1}..{maxY:F1} but '{reference.Path}' covers x {referenceBounds.MinX:F1}..{referenceBounds.MaxX:F1}, y {referenceBounds.MinY:F1}..{referenceBounds.MaxY:F1}"));

        var corners = new[] { (minX, minY), (minX, maxY), (maxX, minY), (maxX, maxY) }.Select(c => referenceTransform.MapToPixel(c.Item1, c.Item2)).ToList();
        int x0 = (int)Math.Floor(Math.Max(0, corners.Min(c => c.Column))), y0 = (int)Math.Floor(Math.Max(0, corners.Min(c => c.Row)));
        int x1 = (int)Math.Ceiling(Math.Min(reference.Width, corners.Max(c => c.Column)));
        int y1 = (int)Math.Ceiling(Math.Min(reference.Height, corners.Max(c => c.Row)));
        var window = new PixelWindow(x0, y0, x1 - x0, y1 - y0).Intersect(PixelWindow.Full(reference.Width, reference.Height));
        if (window.IsEmpty) throw NoOverlap(reference, other, "they share less than one pixel");
        return window;
    }

    private static RasterInputException NoOverlap(Raster reference, Raster other, string detail) =>
        new(other.Path, $"'{other.Path}' and '{reference.Path}' do not overlap ({detail}). Check that both dates show the same area.");
}
