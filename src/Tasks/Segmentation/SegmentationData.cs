using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// The labelled rasters of a pipeline's `train.data` / `train.val`: Potsdam in its distributed layout, or
/// `geotiff-pairs` (`root/images/NAME.tif` with `root/masks/NAME.tif`, single-band class indices).
/// </summary>
public static class SegmentationData
{
    public static IReadOnlyList<LabelledRaster> Find(DataSection data) => data.Format switch
    {
        "potsdam" => PotsdamTiles.Find(data.Root, data.NoBoundary, data.Tiles)
            .Select(t => new LabelledRaster(t.Image, t.Label, LabelCoding.PotsdamRgb)).ToList(),
        "geotiff-pairs" => FindPairs(data.Root),
        _ => throw new SegmentationInputException($"train data format '{data.Format}' is not a segmentation format; use potsdam or geotiff-pairs"),
    };

    static List<LabelledRaster> FindPairs(string root)
    {
        string images = Path.Combine(root, "images"), masks = Path.Combine(root, "masks");
        if (!Directory.Exists(images) || !Directory.Exists(masks))
            throw new SegmentationInputException($"{root}: expected images/ and masks/ folders of GeoTIFFs with equal names");
        var pairs = new List<LabelledRaster>();
        foreach (var image in Directory.EnumerateFiles(images).Where(IsTiff).Order(StringComparer.Ordinal))
        {
            var mask = Path.Combine(masks, Path.GetFileName(image));
            if (!File.Exists(mask)) throw new SegmentationInputException($"{image}: no mask {mask}");
            pairs.Add(new LabelledRaster(image, mask, LabelCoding.ClassIndex));
        }
        if (pairs.Count == 0) throw new SegmentationInputException($"{images}: no .tif images found");
        return pairs;
    }

    static bool IsTiff(string path) => path.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads windows of labelled rasters straight from the GeoTIFFs (no pre-cut copies). Keeps its rasters open;
/// GDAL handles are per thread, so use one reader per thread.
/// </summary>
public sealed class LabelledWindowReader(IReadOnlyList<LabelledRaster> rasters, int[] bands, byte ignoreIndex, int scoredClasses) : IDisposable
{
    readonly Dictionary<string, Raster> open = [];

    public IReadOnlyList<LabelledRaster> Rasters => rasters;

    public (int Width, int Height) Size(int index)
    {
        var (image, label) = Open(index);
        return (image.Width, image.Height);
    }

    public SegmentationSample Read(int index, PixelWindow window) =>
        SegmentationSample.Create(bands.Length, window.Height, window.Width, ReadImage(index, window), ReadLabels(index, window));

    /// <summary>The pipeline's bands of a window, band-major, raw values.</summary>
    public float[] ReadImage(int index, PixelWindow window) => Open(index).Image.Read<float>(window, bands);

    /// <summary>Class indices of a window; ignored pixels hold the ignore index.</summary>
    public byte[] ReadLabels(int index, PixelWindow window)
    {
        var (_, label) = Open(index);
        int n = window.Width * window.Height;
        var classes = new byte[n];
        if (rasters[index].Coding == LabelCoding.PotsdamRgb)
        {
            var rgb = label.Read<byte>(window, [1, 2, 3], new WindowReadOptions(PadValue: 0));
            PotsdamPalette.Decode(rgb.AsSpan(0, n), rgb.AsSpan(n, n), rgb.AsSpan(2 * n, n), classes, ignoreIndex);
        }
        else
        {
            label.Read<byte>(window, [1], classes, new WindowReadOptions(PadValue: ignoreIndex));
        }
        // everything the model does not predict (clutter, boundaries, unknown values) becomes the ignore index
        for (int i = 0; i < n; i++) if (classes[i] >= scoredClasses) classes[i] = ignoreIndex;
        return classes;
    }

    (Raster Image, Raster Label) Open(int index)
    {
        var r = rasters[index];
        var image = OpenCached(r.Image);
        var label = OpenCached(r.Label);
        if (image.Width != label.Width || image.Height != label.Height)
            throw new SegmentationInputException($"{r.Label}: label is {label.Width}x{label.Height} but image {r.Image} is {image.Width}x{image.Height}");
        if (bands.Any(b => b < 1 || b > image.BandCount))
            throw new SegmentationInputException($"{r.Image}: has {image.BandCount} band(s) but the pipeline reads bands {string.Join(",", bands)}");
        int labelBands = r.Coding == LabelCoding.PotsdamRgb ? 3 : 1;
        if (label.BandCount < labelBands)
            throw new SegmentationInputException($"{r.Label}: {label.BandCount} band(s); {(labelBands == 3 ? "Potsdam labels are RGB" : "masks need one band")}");
        return (image, label);
    }

    Raster OpenCached(string path)
    {
        if (!open.TryGetValue(path, out var raster)) open[path] = raster = Raster.Open(path);
        return raster;
    }

    public void Dispose()
    {
        foreach (var r in open.Values) r.Dispose();
        open.Clear();
    }
}
