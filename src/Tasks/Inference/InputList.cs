namespace GeoDense.Tasks.Inference;

/// <summary>One input of a batch run and the stem its outputs are named by.</summary>
public sealed record InputItem(string Path, string OutputStem);

/// <summary>
/// The inputs of a batch run: files, globs (`tiles/*.tif`), folders (every raster in them) and text files listing
/// paths (`@list.txt`, one per line, `#` comments). The same file given twice runs once; files with the same name in
/// different folders get distinct output stems (`a_scene`, `b_scene`), so no output overwrites another.
/// </summary>
public static class InputList
{
    static readonly string[] RasterExtensions = [".tif", ".tiff", ".vrt", ".img", ".jp2", ".png", ".jpg", ".jpeg"];

    public static IReadOnlyList<InputItem> Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments) files.AddRange(ExpandOne(argument));
        var unique = files.Select(f => IsVirtual(f) ? f : System.IO.Path.GetFullPath(f)).Distinct(StringComparer.Ordinal).ToList();
        if (unique.Count == 0) throw new Pipelines.PipelineInputException("--input: no input rasters given");
        return Stems(unique);
    }

    /// <param name="listFile">The @list the argument was read from: a stale line is found faster when the message names the list.</param>
    static IEnumerable<string> ExpandOne(string argument, string? listFile = null)
    {
        var where = listFile is null ? "" : $" (listed in {listFile})";
        if (string.IsNullOrWhiteSpace(argument)) throw new Pipelines.PipelineInputException("--input: an empty path was given");
        if (argument.StartsWith('@'))
        {
            var list = argument[1..];
            if (!File.Exists(list)) throw new Pipelines.PipelineInputException($"{list}: input list file not found");
            var baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(list))!;
            return File.ReadAllLines(list).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => IsVirtual(l) ? l : System.IO.Path.GetFullPath(l, baseDir)).SelectMany(l => ExpandOne(l, list)).ToList();
        }
        if (IsVirtual(argument)) return [argument];
        if (Directory.Exists(argument))
        {
            var rasters = Directory.EnumerateFiles(argument)
                .Where(f => RasterExtensions.Contains(System.IO.Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            if (rasters.Count == 0) throw new Pipelines.PipelineInputException($"{argument}: folder holds no rasters ({string.Join(" ", RasterExtensions)}){where}");
            return rasters;
        }
        var name = System.IO.Path.GetFileName(argument);
        if (name.IndexOfAny(['*', '?']) < 0)
        {
            if (!File.Exists(argument)) throw new Pipelines.PipelineInputException($"{argument}: input file not found{where}");
            return [argument];
        }
        var dir = System.IO.Path.GetDirectoryName(argument) is { Length: > 0 } d ? d : ".";
        var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, name).Order(StringComparer.Ordinal).ToList() : [];
        if (matches.Count == 0) throw new Pipelines.PipelineInputException($"--input {argument}: no file matches{where}");
        return matches;
    }

    /// <summary>
    /// The file name without extension; where names clash, files in different folders get their folder names prepended
    /// (`a_scene`, `b_scene`) and files in one folder their extensions appended (`scene_tif`, `scene_vrt`).
    /// </summary>
    static List<InputItem> Stems(IReadOnlyList<string> paths)
    {
        var stems = paths.Select(p => System.IO.Path.GetFileNameWithoutExtension(p)).ToArray();
        var parents = paths.Select(p => System.IO.Path.GetDirectoryName(p) ?? "").ToArray();
        var extended = new bool[paths.Count];
        for (int round = 0; round < 64; round++)
        {
            var clashes = stems.Select((s, i) => (s, i)).GroupBy(x => x.s, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
            if (clashes.Count == 0) break;
            foreach (var group in clashes)
            {
                var members = group.Select(x => x.i).ToList();
                bool sameFolder = members.Select(i => parents[i]).Distinct(StringComparer.Ordinal).Count() == 1;
                foreach (var i in members)
                {
                    if (sameFolder && !extended[i])
                    {
                        stems[i] += "_" + System.IO.Path.GetExtension(paths[i]).TrimStart('.');
                        extended[i] = true;
                    }
                    else if (!sameFolder)
                    {
                        var parent = System.IO.Path.GetFileName(parents[i]);
                        stems[i] = (parent.Length > 0 ? parent : "root") + "_" + stems[i];
                        parents[i] = System.IO.Path.GetDirectoryName(parents[i]) ?? "";
                    }
                    else stems[i] += "_" + i;   // same folder, same name and extension: cannot happen after de-duplication
                }
            }
        }
        return paths.Select((p, i) => new InputItem(p, stems[i])).ToList();
    }

    static bool IsVirtual(string path) => path.StartsWith("/vsi", StringComparison.Ordinal);
}
