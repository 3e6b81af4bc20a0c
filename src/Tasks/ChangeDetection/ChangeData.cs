using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>How a dataset marks change in its label images.</summary>
public enum ChangeLabelRule
{
    /// <summary>0 / 255 masks (CDD, LEVIR-CD): 128 and above is change, so JPEG-compressed masks read right too.</summary>
    Bright,
    /// <summary>Any non-zero value is change (0/1 or 0/255 GeoTIFF masks).</summary>
    NonZero,
}

/// <summary>One co-registered pair of dates and its change mask, by file path.</summary>
public sealed record ChangePair(string Before, string After, string Label, ChangeLabelRule Rule);

/// <summary>
/// The change-detection datasets, read as they are distributed. A dataset root is one split (e.g. `CDD/train`):
/// <list type="bullet">
/// <item>`cdd`: `A/` (before), `B/` (after), `OUT/` (mask, 255 = change), equal file names;</item>
/// <item>`levir-cd`: `A/`, `B/`, `label/` (mask, 255 = change);</item>
/// <item>`geotiff-pairs`: `before/`, `after/`, `change/` (mask, non-zero = change), equal file names; the two dates of
/// a pair must already be co-registered on one grid (same size; `geodense change` aligns raw dates).</item>
/// </list>
/// Any GDAL-readable image works in each folder (JPEG, PNG, GeoTIFF); a mask may carry another extension than its images.
/// </summary>
public static class ChangeData
{
    public static IReadOnlyList<string> Formats { get; } = ["cdd", "levir-cd", "geotiff-pairs"];

    /// <summary>(before, after, label) folder names and label rule of a format.</summary>
    public static (string Before, string After, string Label, ChangeLabelRule Rule) Layout(string format) => format switch
    {
        "cdd" => ("A", "B", "OUT", ChangeLabelRule.Bright),
        "levir-cd" => ("A", "B", "label", ChangeLabelRule.Bright),
        "geotiff-pairs" => ("before", "after", "change", ChangeLabelRule.NonZero),
        _ => throw new ChangeInputException($"data format '{format}' is not a change-detection format; use one of {string.Join(", ", Formats)}"),
    };

    public static IReadOnlyList<ChangePair> Find(DataSection data) => Find(data.Format, data.Root);

    public static IReadOnlyList<ChangePair> Find(string format, string root)
    {
        var layout = Layout(format);
        if (!Directory.Exists(root)) throw new ChangeInputException($"{root}: dataset folder not found");
        string Folder(string name)
        {
            var path = Path.Combine(root, name);
            if (Directory.Exists(path)) return path;
            var splits = new[] { "train", "val", "test" }.Where(s => Directory.Exists(Path.Combine(root, s, name))).ToList();
            throw new ChangeInputException(splits.Count > 0
                ? $"{root}: no {name}/ folder; this looks like the dataset's top folder, point the data root at one split ({string.Join(", ", splits.Select(s => Path.Combine(root, s)))})"
                : $"{root}: no {name}/ folder; a {format} split holds {layout.Before}/, {layout.After}/ and {layout.Label}/ with equal file names");
        }
        string before = Folder(layout.Before), after = Folder(layout.After), label = Folder(layout.Label);
        var afterFiles = Images(after).ToDictionary(f => Path.GetFileName(f), StringComparer.Ordinal);
        var labelsByStem = Images(label).GroupBy(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList());
        var pairs = new List<ChangePair>();
        foreach (var file in Images(before))
        {
            var name = Path.GetFileName(file);
            if (!afterFiles.TryGetValue(name, out var partner))
                throw new ChangeInputException($"{file}: no image of the same name in {after}; every before image needs its after image");
            var stem = Path.GetFileNameWithoutExtension(file);
            var mask = File.Exists(Path.Combine(label, name)) ? Path.Combine(label, name)
                : labelsByStem.TryGetValue(stem, out var candidates) && candidates.Count == 1 ? candidates[0]
                : throw new ChangeInputException($"{file}: no change mask named {stem}.* in {label}");
            pairs.Add(new ChangePair(file, partner, mask, layout.Rule));
        }
        if (pairs.Count == 0) throw new ChangeInputException($"{before}: no images; a {format} split holds {layout.Before}/, {layout.After}/ and {layout.Label}/");
        return pairs;
    }

    static IEnumerable<string> Images(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".aux.xml", StringComparison.OrdinalIgnoreCase)
                                                    && !f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal);
}

/// <summary>One pair in memory: both dates as band-major floats [bands, H, W] (raw values) and the 0/1 change mask [H, W].</summary>
public sealed record ChangeSample(float[] Before, float[] After, byte[] Label, int Bands, int Height, int Width)
{
    /// <summary>Reads a pair; both dates and the mask must have one size (co-registered pixels), else one line naming the files.</summary>
    public static ChangeSample Read(ChangePair pair, IReadOnlyList<int> bands)
    {
        using var before = Raster.Open(pair.Before);
        using var after = Raster.Open(pair.After);
        using var label = Raster.Open(pair.Label);
        foreach (var (raster, path) in new[] { (after, pair.After), (label, pair.Label) })
            if (raster.Width != before.Width || raster.Height != before.Height)
                throw new ChangeInputException($"{path}: {raster.Width}x{raster.Height}, but {pair.Before} is {before.Width}x{before.Height}; a pair must be co-registered on one grid");
        foreach (var (raster, path) in new[] { (before, pair.Before), (after, pair.After) })
            if (bands.Max() > raster.BandCount)
                throw new ChangeInputException($"{path}: has {raster.BandCount} band(s); the pipeline reads bands {string.Join(",", bands)}");
        var window = new PixelWindow(0, 0, before.Width, before.Height);
        var bandList = bands.ToArray();
        var mask = label.Read<byte>(window, [1]);
        byte threshold = pair.Rule == ChangeLabelRule.Bright ? (byte)128 : (byte)1;
        for (int i = 0; i < mask.Length; i++) mask[i] = mask[i] >= threshold ? (byte)1 : (byte)0;
        return new ChangeSample(before.Read<float>(window, bandList), after.Read<float>(window, bandList), mask, bandList.Length, before.Height, before.Width);
    }
}
