using GeoDense.Geo;

namespace GeoDense.Tasks.Classification;

/// <summary>One labelled scene: a file and its class index.</summary>
public sealed record SceneSample(string Path, int Label);

/// <summary>A decoded scene: band-major floats [Bands, Height, Width] in the file's value range.</summary>
public sealed record SceneImage(float[] Pixels, int Bands, int Height, int Width);

/// <summary>
/// Scene-classification data laid out as one folder per class (MillionAID, UC Merced, AID, NWPU-RESISC45):
/// <c>root/&lt;class&gt;/*.{tif,tiff,png,jpg,jpeg}</c>, read with GDAL. Classes are the sub-folder names in
/// ordinal order unless a class list is given (then every listed folder must exist and others are ignored).
/// </summary>
public sealed class SceneFolderDataset
{
    public static readonly string[] Extensions = [".tif", ".tiff", ".png", ".jpg", ".jpeg"];

    private readonly Dictionary<string, SceneImage>? _cache;

    public string Root { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<SceneSample> Samples { get; }
    /// <summary>1-based bands read from every file.</summary>
    public IReadOnlyList<int> Bands { get; }

    public SceneFolderDataset(string root, IReadOnlyList<string>? classes = null, IReadOnlyList<int>? bands = null, bool cacheInMemory = true)
    {
        Root = Path.GetFullPath(root);
        if (!Directory.Exists(Root))
            throw new ClassificationInputException($"{root}: scene folder not found (expected one sub-folder per class)");
        var found = Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (classes is { Count: > 0 })
        {
            var missing = classes.Where(c => !found.Contains(c)).ToList();
            if (missing.Count > 0)
                throw new ClassificationInputException($"{root}: no folder for class(es) {string.Join(", ", missing)} (found: {string.Join(", ", found)})");
            Classes = classes.ToList();
        }
        else Classes = found;
        if (Classes.Count < 2)
            throw new ClassificationInputException($"{root}: found {Classes.Count} class folder(s); scene classification needs at least 2");

        var samples = new List<SceneSample>();
        for (var label = 0; label < Classes.Count; label++)
        {
            var files = Directory.EnumerateFiles(Path.Combine(Root, Classes[label]))
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new ClassificationInputException($"{Path.Combine(root, Classes[label])}: no images ({string.Join(", ", Extensions)})");
            samples.AddRange(files.Select(f => new SceneSample(f, label)));
        }
        Samples = samples;
        Bands = bands is { Count: > 0 } ? bands.ToList() : [1, 2, 3];
        _cache = cacheInMemory ? [] : null;
    }

    public int Count => Samples.Count;

    /// <summary>Decodes sample <paramref name="index"/> (cached after the first read when caching is on).</summary>
    public SceneImage Load(int index)
    {
        var path = Samples[index].Path;
        if (_cache is not null)
            lock (_cache)
                if (_cache.TryGetValue(path, out var cached)) return cached;
        var image = Read(path, Bands);
        if (_cache is not null)
            lock (_cache) _cache[path] = image;
        return image;
    }

    /// <summary>Reads the given bands of an image file; a grey image is repeated to fill 3 requested bands.</summary>
    public static SceneImage Read(string path, IReadOnlyList<int> bands)
    {
        using var raster = Raster.Open(path);
        var bandList = bands.ToArray();
        if (raster.BandCount == 1 && bandList.All(b => b <= 3)) bandList = [.. bandList.Select(_ => 1)];
        if (bandList.Any(b => b < 1 || b > raster.BandCount))
            throw new ClassificationInputException($"{path}: has {raster.BandCount} band(s), the pipeline asks for bands {string.Join(", ", bands)}");
        var pixels = raster.Read<float>(PixelWindow.Full(raster.Width, raster.Height), bandList);
        return new SceneImage(pixels, bandList.Length, raster.Height, raster.Width);
    }
}

/// <summary>A problem with classification data or settings; the message names the file and what to do.</summary>
public sealed class ClassificationInputException(string message) : InputException(message);
