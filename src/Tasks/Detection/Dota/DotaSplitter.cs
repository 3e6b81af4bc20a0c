using GeoDense.Geo;
using GeoDense.IO;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>What `geodense dota split` wrote.</summary>
public sealed record DotaSplitResult(int Images, int Patches, int Objects);

/// <summary>
/// `geodense dota split`: DOTA_devkit-style patches on disk, for people who train elsewhere. `images/{patch}.png`
/// (8-bit, the pipeline's bands) and, when labels are given, `labelTxt/{patch}.txt` with the objects the
/// <see cref="DotaSplitPolicy"/> gives each patch, named `{image}__{rate}__{left}___{up}`. The patches are the ones
/// <see cref="DotaPatches"/> hands to training and detection, so a model trained on them sees what ours sees.
/// </summary>
public static class DotaSplitter
{
    public static readonly string[] ImageExtensions = [".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp"];

    /// <summary>The images of a folder (PNG, TIFF, JPEG, BMP), by name.</summary>
    public static IReadOnlyList<string> Images(string folder)
    {
        if (!Directory.Exists(folder)) throw new DotaFormatException($"{folder}: image folder not found; check --images");
        var images = Directory.EnumerateFiles(folder).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToList();
        if (images.Count == 0) throw new DotaFormatException($"{folder}: no images (.png, .tif, .jpg) in it; check --images");
        return images;
    }

    /// <param name="labelFolder">DOTA label files named like the images (`P0001.png` - `P0001.txt`); null: patches only</param>
    /// <param name="progress">images done, images in all</param>
    public static DotaSplitResult Split(string imageFolder, string? labelFolder, string outputFolder, DotaPatchOptions options,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        var images = Images(imageFolder);
        // every image is opened and every label file read (a bad one reported) before any patch is written
        foreach (var image in images)
            using (var raster = Raster.Open(image))
                DotaPatches.CheckBands(raster, options.EffectiveBands, options.PadColour);
        var labels = images.ToDictionary(i => i, i => labelFolder is null ? null : ReadLabels(labelFolder, i));
        string imagesOut = Path.Combine(outputFolder, "images"), labelsOut = Path.Combine(outputFolder, "labelTxt");
        Directory.CreateDirectory(imagesOut);
        if (labelFolder is not null) Directory.CreateDirectory(labelsOut);
        int patches = 0, objects = 0, done = 0;
        foreach (var image in images)
        {
            var name = Path.GetFileNameWithoutExtension(image);
            var imageLabels = labels[image];
            foreach (var patch in DotaPatches.Enumerate(image, imageLabels, options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var patchName = patch.Name(name);
                WritePng(Path.Combine(imagesOut, patchName + ".png"), patch);
                if (imageLabels is not null)
                    AtomicFile.WriteAllText(Path.Combine(labelsOut, patchName + ".txt"),
                        DotaLabelFile.Format(imageLabels with { Objects = patch.Objects }));
                patches++;
                objects += patch.Objects.Count;
            }
            progress?.Invoke(++done, images.Count);
        }
        return new DotaSplitResult(images.Count, patches, objects);
    }

    static DotaLabels ReadLabels(string labelFolder, string image)
    {
        var path = Path.Combine(labelFolder, Path.GetFileNameWithoutExtension(image) + ".txt");
        if (!File.Exists(path)) throw new DotaFormatException($"{path}: no label file for image {image}; every image needs one (or leave out --labels)");
        return DotaLabelFile.Read(path);
    }

    /// <summary>8-bit RGB (a single band is repeated), values rounded and clamped to 0..255.</summary>
    static void WritePng(string path, DotaPatch patch)
    {
        int plane = patch.Width * patch.Height;
        var rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            int band = Math.Min(c, patch.Bands - 1);
            for (int p = 0; p < plane; p++)
                rgb[c * plane + p] = (byte)Math.Clamp(MathF.Round(patch.Pixels[band * plane + p]), 0f, 255f);
        }
        PngFile.WriteRgb(path, rgb, patch.Width, patch.Height);
    }
}
