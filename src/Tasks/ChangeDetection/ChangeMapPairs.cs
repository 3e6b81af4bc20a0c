using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>Two acquisition dates to compare, and the stem their outputs are named by.</summary>
public sealed record ChangeMapPair(string Before, string After, string OutputStem);

/// <summary>
/// The pairs of a change-map run: one `--before`/`--after` pair, or a list file of `before after` lines (paths relative
/// to the list's folder; `#` comments and blank lines skipped; a path with spaces is written in double quotes).
/// Outputs are named `{before}_{after}` after the file stems (one stem when both dates share a file name, as CDD's
/// A/B folders do); stems that would clash get the pair's number appended, so no output overwrites another.
/// </summary>
public static class ChangeMapPairs
{
    public static IReadOnlyList<ChangeMapPair> Single(string before, string after)
    {
        foreach (var (option, path) in new[] { ("--before", before), ("--after", after) })
            if (!File.Exists(path)) throw new PipelineInputException(Directory.Exists(path) ? $"{option} {path}: is a folder; give a raster file" : $"{option} {path}: file not found");
        if (Path.GetFullPath(before) == Path.GetFullPath(after)) throw new PipelineInputException($"--before and --after are the same file ({before})");
        return Name([(Path.GetFullPath(before), Path.GetFullPath(after))]);
    }

    public static IReadOnlyList<ChangeMapPair> ReadList(string listPath)
    {
        if (Directory.Exists(listPath)) throw new PipelineInputException($"{listPath}: is a folder; --pairs needs a text file of 'before after' lines");
        if (!File.Exists(listPath)) throw new PipelineInputException($"{listPath}: pair list not found");
        var folder = Path.GetDirectoryName(Path.GetFullPath(listPath))!;
        var pairs = new List<(string, string)>();
        var lines = File.ReadAllLines(listPath);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var paths = Split(line, $"{listPath}:{i + 1}");
            if (paths.Count != 2)
                throw new PipelineInputException($"{listPath}:{i + 1}: expected two paths 'before after', found {paths.Count} (quote a path that holds spaces)");
            var (before, after) = (Path.GetFullPath(paths[0], folder), Path.GetFullPath(paths[1], folder));
            foreach (var path in new[] { before, after })
                if (!File.Exists(path)) throw new PipelineInputException($"{listPath}:{i + 1}: {path} not found");
            if (before == after) throw new PipelineInputException($"{listPath}:{i + 1}: before and after are the same file ({before})");
            pairs.Add((before, after));
        }
        if (pairs.Count == 0) throw new PipelineInputException($"{listPath}: lists no pairs (one 'before after' line per pair)");
        return Name(pairs);
    }

    /// <summary>Whitespace-separated tokens; a double-quoted token may hold spaces.</summary>
    static List<string> Split(string line, string where)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i])) { i++; continue; }
            if (line[i] == '"')
            {
                int end = line.IndexOf('"', i + 1);
                if (end < 0) throw new PipelineInputException($"{where}: a quote is not closed");
                tokens.Add(line[(i + 1)..end]);
                i = end + 1;
            }
            else
            {
                int start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                tokens.Add(line[start..i]);
            }
        }
        return tokens;
    }

    /// <summary>Names checked pairs of full paths as the list does (stems from the file names, numbered where they clash).</summary>
    public static IReadOnlyList<ChangeMapPair> Name(IReadOnlyList<(string Before, string After)> pairs)
    {
        var stems = pairs.Select(p => (Path.GetFileNameWithoutExtension(p.Before), Path.GetFileNameWithoutExtension(p.After)) switch
        {
            var (b, a) when b == a => b,
            var (b, a) => $"{b}_{a}",
        }).ToList();
        var clashing = stems.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return pairs.Select((p, i) => new ChangeMapPair(p.Before, p.After, clashing.Contains(stems[i]) ? $"{stems[i]}_{i + 1}" : stems[i])).ToList();
    }
}
