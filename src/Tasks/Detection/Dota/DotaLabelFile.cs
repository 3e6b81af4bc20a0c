using System.Globalization;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>One labelled object: its quadrilateral, class name and the difficult flag (DOTA's 0/1).</summary>
public sealed record DotaObject(Quad Polygon, string ClassName, bool Difficult);

/// <summary>A DOTA label file: the optional `imagesource:` and `gsd:` header lines, then one object per line.</summary>
public sealed record DotaLabels(string? ImageSource, double? Gsd, IReadOnlyList<DotaObject> Objects);

/// <summary>A DOTA label, Task1 or patch file that cannot be read as one: the message is `file:line: problem`.</summary>
public sealed class DotaFormatException(string message) : InputException(message);

/// <summary>
/// Reads DOTA v1.0 label files: `x1 y1 x2 y2 x3 y3 x4 y4 class difficult` (difficult may be left out, as
/// DOTA_devkit's parse_gt reads it as 0). The official parser silently drops lines it cannot read; a label file
/// with a typo would then score as if the object were missing, so here any such line is an error naming it.
/// `gsd: null` (as some DOTA files have) is read as no GSD.
/// </summary>
public static class DotaLabelFile
{
    public static DotaLabels Read(string path)
    {
        if (!File.Exists(path)) throw new DotaFormatException($"{path}: label file not found; check the path");
        return Parse(File.ReadLines(path), path);
    }

    /// <summary>Every `*.txt` of a folder, keyed by file name without extension (the image name Task1 lines use).</summary>
    public static Dictionary<string, DotaLabels> ReadFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new DotaFormatException($"{folder}: label folder not found; give the folder of DOTA label .txt files");
        var files = Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DotaFormatException($"{folder}: no label .txt files in it");
        return files.ToDictionary(f => Path.GetFileNameWithoutExtension(f), Read, StringComparer.Ordinal);
    }

    public static DotaLabels Parse(IEnumerable<string> lines, string source)
    {
        string? imageSource = null;
        double? gsd = null;
        var objects = new List<DotaObject>();
        int number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (objects.Count == 0 && TryHeader(line, "imagesource:", out var value)) { imageSource = value; continue; }
            if (objects.Count == 0 && TryHeader(line, "gsd:", out value))
            {
                if (value.Length > 0 && value != "null" && value != "None")
                    gsd = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var g) && g > 0 ? g
                        : throw Problem(source, number, $"gsd '{value}' is not a positive number");
                continue;
            }
            objects.Add(ParseObject(line, source, number));
        }
        return new DotaLabels(imageSource, gsd, objects);
    }

    static bool TryHeader(string line, string key, out string value)
    {
        value = "";
        if (!line.StartsWith(key, StringComparison.OrdinalIgnoreCase)) return false;
        value = line[key.Length..].Trim();
        return true;
    }

    static DotaObject ParseObject(string line, string source, int number)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (9 or 10))
            throw Problem(source, number, $"expected 'x1 y1 x2 y2 x3 y3 x4 y4 class difficult', got {fields.Length} field(s): '{Shorten(line)}'");
        var xy = new double[8];
        for (int i = 0; i < 8; i++)
            if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out xy[i]) || !double.IsFinite(xy[i]))
                throw Problem(source, number, $"coordinate {i + 1} '{fields[i]}' is not a number");
        bool difficult = false;
        if (fields.Length == 10)
            difficult = fields[9] switch
            {
                "0" => false,
                "1" => true,
                var d => throw Problem(source, number, $"difficult flag '{d}' must be 0 or 1"),
            };
        return new DotaObject(Quad.FromArray(xy), fields[8], difficult);
    }

    /// <summary>Writes a label file in the form DOTA_devkit's splitter writes (coordinates as given, difficult 0/1).</summary>
    public static string Format(DotaLabels labels)
    {
        var text = new System.Text.StringBuilder();
        if (labels.ImageSource is { } src) text.Append("imagesource:").Append(src).Append('\n');
        if (labels.Gsd is { } gsd) text.Append("gsd:").Append(Quad.Format(gsd)).Append('\n');
        foreach (var o in labels.Objects)
            text.Append(o.Polygon.ToText()).Append(' ').Append(o.ClassName).Append(' ').Append(o.Difficult ? '1' : '0').Append('\n');
        return text.ToString();
    }

    internal static DotaFormatException Problem(string source, int line, string problem) => new($"{source}:{line}: {problem}");

    static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";
}
