using GeoDense.Geo;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Writes <see cref="SyntheticTown"/> scenes in ISPRS Potsdam's distributed form: a georeferenced RGB ortho
/// (`2_Ortho_RGB/top_potsdam_{id}_RGB.tif`), the RGB-coded labels (`5_Labels_all/top_potsdam_{id}_label.tif`)
/// and the eroded variant with black boundaries (`5_Labels_all_noBoundary/..._label_noBoundary.tif`).
/// Files are written strip by strip, so any size fits in memory.
/// </summary>
public static class SyntheticPotsdam
{
    const int StripRows = 256, BoundaryRadius = 2;

    /// <summary>Default georeference: UTM 33N (EPSG:32633), 5 cm pixels like Potsdam, one tile east per id.</summary>
    public static GeoTransform GeoTransformFor(int seed) => GeoTransform.NorthUp(368_000 + 300.0 * (seed % 50), 5_808_000, 0.05);

    public static PotsdamTile WriteTile(string root, string id, int width, int height, int seed)
    {
        var town = SyntheticTown.Generate(width, height, seed);
        var transform = GeoTransformFor(seed);
        var tile = new PotsdamTile(id, Path.Combine(root, "2_Ortho_RGB", $"top_potsdam_{id}_RGB.tif"),
                                   Path.Combine(root, "5_Labels_all", $"top_potsdam_{id}_label.tif"));
        string eroded = Path.Combine(root, "5_Labels_all_noBoundary", $"top_potsdam_{id}_label_noBoundary.tif");
        var spec = new RasterSpec(width, height, 3, RasterDataType.Byte, transform, SpatialReference.FromEpsg(32633));
        using var image = RasterWriter.Create(tile.Image, spec);
        using var label = RasterWriter.Create(tile.Label, spec);
        using var noBoundary = RasterWriter.Create(eroded, spec);
        int[] bands = [1, 2, 3];
        for (int y0 = 0; y0 < height; y0 += StripRows)
        {
            int rows = Math.Min(StripRows, height - y0);
            // render a margin above and below so erosion sees across strip edges
            int top = Math.Max(0, y0 - BoundaryRadius), bottom = Math.Min(height, y0 + rows + BoundaryRadius), n = (bottom - top) * width;
            var rgb = new byte[3 * n];
            var classes = new byte[n];
            town.Render(0, top, width, bottom - top, rgb.AsSpan(0, n), rgb.AsSpan(n, n), rgb.AsSpan(2 * n, n), classes);
            var window = new PixelWindow(0, y0, width, rows);
            int skip = (y0 - top) * width, m = rows * width;
            image.Write<byte>(window, bands, Planes(rgb, n, skip, m));
            label.Write<byte>(window, bands, Encode(classes.AsSpan(skip, m)));
            var erodedClasses = SyntheticTown.EraseBoundaries(classes, width, bottom - top, BoundaryRadius, ignore: 255);
            noBoundary.Write<byte>(window, bands, Encode(erodedClasses.AsSpan(skip, m)));
        }
        image.Commit(); label.Commit(); noBoundary.Commit();
        return tile;
    }

    /// <summary>
    /// An RGB mosaic (no labels) for inference tests and benchmarks; pixels left of <paramref name="nodataColumns"/>
    /// are nodata (0 in every band, declared as the bands' nodata value).
    /// </summary>
    public static void WriteMosaic(string path, int width, int height, int seed, int nodataColumns = 0, GeoTiffOptions? options = null)
    {
        var town = SyntheticTown.Generate(width, height, seed);
        var spec = new RasterSpec(width, height, 3, RasterDataType.Byte, GeoTransformFor(seed), SpatialReference.FromEpsg(32633),
            nodataColumns > 0 ? 0 : null);
        using var writer = RasterWriter.Create(path, spec, options);
        var classes = new byte[StripRows * width];
        var rgb = new byte[3 * StripRows * width];
        for (int y0 = 0; y0 < height; y0 += StripRows)
        {
            int rows = Math.Min(StripRows, height - y0), n = rows * width;
            town.Render(0, y0, width, rows, rgb.AsSpan(0, n), rgb.AsSpan(n, n), rgb.AsSpan(2 * n, n), classes.AsSpan(0, n));
            for (int b = 0; b < 3; b++)
                for (int y = 0; y < rows; y++)
                    rgb.AsSpan(b * n + y * width, Math.Min(nodataColumns, width)).Clear();
            writer.Write<byte>(new PixelWindow(0, y0, width, rows), [1, 2, 3], Planes(rgb, n, 0, n));
        }
        writer.Commit();
    }

    static byte[] Planes(byte[] rgb, int plane, int skip, int count)
    {
        var result = new byte[3 * count];
        for (int b = 0; b < 3; b++) Array.Copy(rgb, b * plane + skip, result, b * count, count);
        return result;
    }

    static byte[] Encode(ReadOnlySpan<byte> classes)
    {
        int n = classes.Length;
        var rgb = new byte[3 * n];
        PotsdamPalette.Encode(classes, rgb.AsSpan(0, n), rgb.AsSpan(n, n), rgb.AsSpan(2 * n, n));
        return rgb;
    }
}
