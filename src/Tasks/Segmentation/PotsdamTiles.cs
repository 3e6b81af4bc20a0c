using System.Text.RegularExpressions;

namespace GeoDense.Tasks.Segmentation;

/// <summary>One ISPRS Potsdam tile as distributed: the RGB ortho and its RGB-coded label GeoTIFF.</summary>
public sealed record PotsdamTile(string Id, string Image, string Label);

/// <summary>
/// Finds Potsdam tiles under a root in the distributed layout (`2_Ortho_RGB/top_potsdam_2_10_RGB.tif`,
/// `5_Labels_all/top_potsdam_2_10_label.tif`, `5_Labels_all_noBoundary/top_potsdam_2_10_label_noBoundary.tif`);
/// folder names do not matter, only file names.
/// </summary>
public static partial class PotsdamTiles
{
    /// <summary>MMSeg's validation tiles for Potsdam.</summary>
    public static readonly string[] ValidationIds =
        ["2_13", "2_14", "3_13", "3_14", "4_13", "4_14", "4_15", "5_13", "5_14", "5_15", "6_13", "6_14", "6_15", "7_13"];

    [GeneratedRegex(@"^top_potsdam_(\d+_\d+)_RGB\.tif$", RegexOptions.IgnoreCase)]
    private static partial Regex ImageName();

    public static IReadOnlyList<PotsdamTile> Find(string root, bool noBoundary, IReadOnlyCollection<string>? ids = null)
    {
        if (!Directory.Exists(root))
            throw new SegmentationInputException($"{root}: Potsdam root directory not found (expected 2_Ortho_RGB/ and 5_Labels_all*/ below it)");
        var files = Directory.EnumerateFiles(root, "*.tif", SearchOption.AllDirectories)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key!, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var tiles = new List<PotsdamTile>();
        foreach (var (name, path) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var m = ImageName().Match(name);
            if (!m.Success) continue;
            string id = m.Groups[1].Value;
            if (ids is { Count: > 0 } && !ids.Contains(id)) continue;
            string labelName = noBoundary ? $"top_potsdam_{id}_label_noBoundary.tif" : $"top_potsdam_{id}_label.tif";
            if (!files.TryGetValue(labelName, out var label))
                throw new SegmentationInputException($"{path}: no label file {labelName} found under {root}");
            tiles.Add(new PotsdamTile(id, path, label));
        }
        // a tile the pipeline names but the root lacks is a typo or an incomplete download, not a smaller data set
        var absent = ids?.Where(id => tiles.All(t => t.Id != id)).ToList() ?? [];
        if (absent.Count > 0 && tiles.Count > 0)
            throw new SegmentationInputException($"{root}: tiles {string.Join(", ", absent)} not found (no top_potsdam_<id>_RGB.tif); " +
                                                 $"found {string.Join(", ", tiles.Select(t => t.Id).Take(12))}{(tiles.Count > 12 ? ", ..." : "")}");
        if (tiles.Count == 0)
            throw new SegmentationInputException($"{root}: no Potsdam tiles (top_potsdam_*_RGB.tif) found"
                + (ids is { Count: > 0 } ? $" for tiles {string.Join(", ", ids)}" : ""));
        return tiles;
    }
}

/// <summary>Bad segmentation data (missing files, mismatched sizes); the message names the file.</summary>
public sealed class SegmentationInputException(string message) : InputException(message);
