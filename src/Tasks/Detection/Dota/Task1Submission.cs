using System.Globalization;
using System.IO.Compression;
using System.Text;
using GeoDense.IO;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>One line of a Task1 file: the image (name without extension), the score and the detected quadrilateral.</summary>
public sealed record Task1Detection(string Image, double Score, Quad Polygon);

/// <summary>
/// DOTA Task1 results: one file `Task1_&lt;class&gt;.txt` per class, every class present (an empty file for a class
/// without detections, as the evaluation server expects), lines `imgname score x1 y1 x2 y2 x3 y3 x4 y4`.
/// Lines are ordered by image name (ordinal) and then by descending score, so the same detections always give the
/// same bytes; the zip holds the files at its root with a fixed timestamp, so two runs give the same zip.
/// </summary>
public static class Task1Submission
{
    public const string Prefix = "Task1_";

    /// <summary>Zip entries carry this time (the earliest a zip's DOS date can hold), so the bytes depend only on the detections.</summary>
    static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string FileName(string className) => $"{Prefix}{className}.txt";

    /// <summary>The text of one class file.</summary>
    public static string Format(IEnumerable<Task1Detection> detections)
    {
        var text = new StringBuilder();
        foreach (var d in detections.OrderBy(d => d.Image, StringComparer.Ordinal).ThenByDescending(d => d.Score))
            text.Append(d.Image).Append(' ').Append(FormatScore(d.Score)).Append(' ')
                .Append(string.Join(' ', d.Polygon.ToArray().Select(FormatCoordinate))).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes `Task1_&lt;class&gt;.txt` for every class of <paramref name="classes"/> into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> WriteFolder(string folder, IReadOnlyList<string> classes,
        IReadOnlyDictionary<string, List<Task1Detection>> byClass)
    {
        CheckClasses(classes, byClass);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var c in classes)
        {
            var path = Path.Combine(folder, FileName(c));
            AtomicFile.WriteAllText(path, Format(byClass.TryGetValue(c, out var list) ? list : []));
            written.Add(path);
        }
        return written;
    }

    /// <summary>Writes the zip the evaluation server takes: the class files at its root, in class order, fixed timestamps.</summary>
    public static void WriteZip(string zipPath, IReadOnlyList<string> classes, IReadOnlyDictionary<string, List<Task1Detection>> byClass)
    {
        CheckClasses(classes, byClass);
        AtomicFile.Write(zipPath, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var c in classes)
            {
                var entry = zip.CreateEntry(FileName(c), CompressionLevel.Optimal);
                entry.LastWriteTime = FixedTime;
                using var writer = entry.Open();
                writer.Write(Encoding.UTF8.GetBytes(Format(byClass.TryGetValue(c, out var list) ? list : [])));
            }
        });
    }

    static void CheckClasses(IReadOnlyList<string> classes, IReadOnlyDictionary<string, List<Task1Detection>> byClass)
    {
        foreach (var c in byClass.Keys)
            if (!classes.Contains(c)) throw new ArgumentException($"detections of class '{c}', which is not among the classes to write");
    }

    /// <summary>
    /// Reads a submission: a folder or a zip holding `Task1_&lt;class&gt;.txt` files (at the root or in one folder).
    /// Returns the detections per class as found; a line that is not `imgname score x1 .. y4` is a file:line error.
    /// </summary>
    public static Dictionary<string, List<Task1Detection>> Read(string folderOrZip)
    {
        var result = new Dictionary<string, List<Task1Detection>>(StringComparer.Ordinal);
        if (Directory.Exists(folderOrZip))
        {
            foreach (var file in Directory.EnumerateFiles(folderOrZip, Prefix + "*.txt").Order(StringComparer.Ordinal))
                Add(result, Path.GetFileName(file), File.ReadLines(file), file);
        }
        else if (File.Exists(folderOrZip))
        {
            ZipArchive zip;
            try { zip = ZipFile.OpenRead(folderOrZip); }
            catch (InvalidDataException e) { throw new DotaFormatException($"{folderOrZip}: not a folder or a readable zip ({e.Message.TrimEnd('.')}); give the submission folder or its zip"); }
            using (zip)
                foreach (var entry in zip.Entries.Where(e => e.Name.StartsWith(Prefix, StringComparison.Ordinal) && e.Name.EndsWith(".txt", StringComparison.Ordinal))
                             .OrderBy(e => e.FullName, StringComparer.Ordinal))
                {
                    using var reader = new StreamReader(entry.Open());
                    Add(result, entry.Name, ReadLines(reader), $"{folderOrZip}/{entry.FullName}");
                }
        }
        else throw new DotaFormatException($"{folderOrZip}: submission not found; give a folder or zip of Task1_<class>.txt files");
        if (result.Count == 0)
            throw new DotaFormatException($"{folderOrZip}: no Task1_<class>.txt files in it; a DOTA Task1 submission holds one per class");
        return result;
    }

    static IEnumerable<string> ReadLines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    static void Add(Dictionary<string, List<Task1Detection>> result, string fileName, IEnumerable<string> lines, string source)
    {
        var className = Path.GetFileNameWithoutExtension(fileName)[Prefix.Length..];
        if (result.ContainsKey(className)) throw new DotaFormatException($"{source}: a second file for class '{className}'; keep one per class");
        result[className] = Parse(lines, source).ToList();
    }

    public static IEnumerable<Task1Detection> Parse(IEnumerable<string> lines, string source)
    {
        int number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 10)
                throw DotaLabelFile.Problem(source, number, $"expected 'imgname score x1 y1 x2 y2 x3 y3 x4 y4', got {f.Length} field(s)");
            if (!double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || double.IsNaN(score))
                throw DotaLabelFile.Problem(source, number, $"score '{f[1]}' is not a number");
            var xy = new double[8];
            for (int i = 0; i < 8; i++)
                if (!double.TryParse(f[i + 2], NumberStyles.Float, CultureInfo.InvariantCulture, out xy[i]) || !double.IsFinite(xy[i]))
                    throw DotaLabelFile.Problem(source, number, $"coordinate {i + 1} '{f[i + 2]}' is not a number");
            yield return new Task1Detection(f[0], score, Quad.FromArray(xy));
        }
    }

    /// <summary>Scores keep float32 precision (what a model produces); more digits would only add bytes.</summary>
    static string FormatScore(double score) => ((float)score).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Coordinates to 0.01 px, trailing zeros dropped.</summary>
    static string FormatCoordinate(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
