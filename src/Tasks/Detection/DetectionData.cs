using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>One DOTA image of a dataset folder: the image file, its label file and the image's name (the file stem).</summary>
public sealed record DotaImage(string Name, string ImagePath, string LabelPath);

/// <summary>A training batch: normalised pixels [B, C, S, S] and per image its ground truth (obb, class index).</summary>
public sealed record DetectionBatch(Tensor Images, IReadOnlyList<Heads.OrientedRcnn.ObbTargets> Targets) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        foreach (var t in Targets) t.Dispose();
    }
}

/// <summary>
/// DOTA-layout datasets (`images/` + `labelTxt/`, files matched by stem) and the training batches drawn from them: the
/// images are cut on the fly into the pipeline's windows by <see cref="DotaPatches"/> (BboxToolkit's split policy,
/// patches without objects left out as the reference's training split does), a batch is chosen by
/// <see cref="CounterRandom"/> from (seed, iteration), flipped horizontally / vertically as the reference (0.5 each),
/// and the objects become obbs by the minimum-area rectangle; objects with a side under 2 px are ignored, as are classes
/// the pipeline does not list.
/// </summary>
public sealed class DetectionData
{
    public static readonly string[] ImageExtensions = [".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp"];

    readonly DetectionPipeline pipeline;
    readonly List<(DotaImage Image, GridWindow Window, IReadOnlyList<DotaObject> Objects)> patches = [];

    public int PatchCount => patches.Count;

    /// <summary>Images of a DOTA folder: every image under `images/` with its `labelTxt/` file (a missing one is an error).</summary>
    public static IReadOnlyList<DotaImage> Find(DataSection data)
    {
        if (data.Format != "dota") throw new DetectionInputException($"train data format '{data.Format}' is not one detection reads; use dota");
        var images = Path.Combine(data.Root, "images");
        var labels = Path.Combine(data.Root, "labelTxt");
        if (!Directory.Exists(images))
            throw new DetectionInputException($"{data.Root}: no images/ folder; a DOTA dataset holds images/ and labelTxt/");
        var found = Directory.EnumerateFiles(images).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).Select(f =>
            {
                var name = Path.GetFileNameWithoutExtension(f);
                var label = Path.Combine(labels, name + ".txt");
                if (!File.Exists(label)) throw new DetectionInputException($"{f}: no label file {label}; every image needs its labelTxt/NAME.txt");
                return new DotaImage(name, f, label);
            }).ToList();
        if (found.Count == 0) throw new DetectionInputException($"{images}: no images ({string.Join(", ", ImageExtensions)})");
        return found;
    }

    public DetectionData(DetectionPipeline pipeline, IReadOnlyList<DotaImage> images)
    {
        this.pipeline = pipeline;
        var options = PatchOptions(pipeline);
        foreach (var image in images)
        {
            var labels = DotaLabelFile.Read(image.LabelPath);
            int width, height;
            using (var raster = Raster.Open(image.ImagePath)) (width, height) = (raster.Width, raster.Height);
            foreach (var window in DotaPatches.Windows(width, height, options))
            {
                var objects = options.EffectivePolicy.ObjectsIn(window, labels.Objects);
                if (objects.Count > 0) patches.Add((image, window, objects));
            }
        }
        if (patches.Count == 0)
            throw new DetectionInputException($"{Path.GetDirectoryName(Path.GetDirectoryName(images[0].ImagePath))}: no window of the {images.Count} image(s) holds an object; check labelTxt/");
    }

    public static DotaPatchOptions PatchOptions(DetectionPipeline pipeline) =>
        new(new GridOptions(pipeline.Tiling.Size, pipeline.Tiling.Stride, pipeline.Tiling.Scales), pipeline.Input.Mean, [.. pipeline.Input.Bands]);

    /// <summary>The batch of <paramref name="iteration"/>: depends only on (seed, iteration).</summary>
    public DetectionBatch Batch(long iteration, int batchSize, long seed, DetectionAugmentSection augment, Device device)
    {
        var order = new CounterRandom(seed, TrainingStream.DataOrder, iteration);
        var flips = new CounterRandom(seed, TrainingStream.Augmentation, iteration);
        int bands = pipeline.Input.Bands.Count, size = pipeline.Tiling.Size;
        var pixels = new float[batchSize * bands * size * size];
        var targets = new List<Heads.OrientedRcnn.ObbTargets>();
        using var scope = TorchRuntime.NewScope();
        for (int b = 0; b < batchSize; b++)
        {
            var (image, window, objects) = patches[order.Next(patches.Count)];
            var tile = pixels.AsSpan(b * bands * size * size, bands * size * size);
            using (var raster = Raster.Open(image.ImagePath))
                DotaPatches.ReadWindow(raster, window, [.. pipeline.Input.Bands], pipeline.Input.Mean, tile);
            var (boxes, labels) = Targets(objects);
            bool h = flips.NextDouble() < augment.HorizontalFlip, v = flips.NextDouble() < augment.VerticalFlip;
            if (h) { FlipPixels(tile, bands, size, horizontal: true); boxes = ObbFlips.Flip(boxes, FlipDirection.Horizontal, size, size); }
            if (v) { FlipPixels(tile, bands, size, horizontal: false); boxes = ObbFlips.Flip(boxes, FlipDirection.Vertical, size, size); }
            Normalise(tile, bands);
            targets.Add(new Heads.OrientedRcnn.ObbTargets(boxes.To(device).MoveToOuter(), labels.To(device).MoveToOuter()));
        }
        var images = Tensor.FromArray(pixels, batchSize, bands, size, size).To(device).MoveToOuter();
        return new DetectionBatch(images, targets);
    }

    (Tensor Boxes, Tensor Labels) Targets(IReadOnlyList<DotaObject> objects)
    {
        var classes = pipeline.Model.Classes;
        var known = objects.Where(o => classes.Contains(o.ClassName)).ToList();
        if (known.Count == 0) return (Tensor.Zeros(0, 5), Tensor.Zeros([0], ScalarType.Int64));
        using var scope = TorchRuntime.NewScope();
        var polygons = Tensor.FromArray(known.SelectMany(o => o.Polygon.ToArray()).Select(v => (float)v).ToArray(), known.Count, 8);
        var obb = RotatedOps.PolygonToObb(polygons);
        var labels = Tensor.FromArray(known.Select(o => (long)classes.IndexOf(o.ClassName)).ToArray(), known.Count);
        // the reference's filter: objects with a side under 2 px are not trained on
        var big = obb.Select(1, 2).Ge(2).LogicalAnd(obb.Select(1, 3).Ge(2)).Nonzero().Reshape(-1);
        return (obb.Index(big).MoveToOuter(), labels.Index(big).MoveToOuter());
    }

    static void FlipPixels(Span<float> tile, int bands, int size, bool horizontal)
    {
        for (int b = 0; b < bands; b++)
        {
            var plane = tile.Slice(b * size * size, size * size);
            if (horizontal)
                for (int y = 0; y < size; y++) plane.Slice(y * size, size).Reverse();
            else
                for (int y = 0; y < size / 2; y++)
                {
                    var top = plane.Slice(y * size, size);
                    var bottom = plane.Slice((size - 1 - y) * size, size);
                    for (int x = 0; x < size; x++) (top[x], bottom[x]) = (bottom[x], top[x]);
                }
        }
    }

    void Normalise(Span<float> tile, int bands)
    {
        int plane = tile.Length / bands;
        for (int b = 0; b < bands; b++)
        {
            float m = pipeline.Input.Mean[b], inv = 1f / pipeline.Input.Std[b];
            var p = tile.Slice(b * plane, plane);
            for (int i = 0; i < p.Length; i++) p[i] = (p[i] - m) * inv;
        }
    }
}
