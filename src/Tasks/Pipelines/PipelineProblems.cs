using System.Globalization;
using YamlDotNet.Core;

namespace GeoDense.Tasks.Pipelines;

/// <summary>
/// Collects every problem of one pipeline file, each as `file:line:column: message`, so the user fixes them in one
/// pass instead of one per run. Keys are full dotted paths (`train.optimizer.lr`); the reader records where each
/// key sits, and the range checks of the section records name a key and get its place from here.
/// </summary>
internal sealed class PipelineProblems(string source, string yaml)
{
    readonly List<(bool Structural, Mark? At, string Line)> problems = [];
    readonly Dictionary<string, Mark> places = [];
    readonly string[] lines = yaml.Split('\n');

    public bool Any => problems.Count > 0;

    public void KeyAt(string key, Mark place) => places[key] = place;

    /// <summary>Unknown, duplicate and missing keys: listed first, since they often explain the value errors after them.</summary>
    public void Structure(Mark? at, string message) => problems.Add((true, at, Where(at) + message));

    /// <summary>A value that does not parse; the line is quoted because YAML positions alone are hard to read in flow mappings.</summary>
    public void Value(Mark at, string message) => problems.Add((false, at, Where(at) + message + Quote(at)));

    /// <summary>A range or consistency check on <paramref name="key"/>; <paramref name="message"/> follows the key's name.</summary>
    public void Check(bool ok, string key, string message)
    {
        if (ok) return;
        Mark? at = places.TryGetValue(key, out var place) ? place : null;
        problems.Add((false, at, Where(at) + $"{key} {message}"));
    }

    public void Positive(string key, double value) => Check(value > 0, key, $"must be > 0 (got {Text(value)})");

    public void NotNegative(string key, double value) => Check(value >= 0, key, $"must be >= 0 (got {Text(value)})");

    /// <summary>A probability-like value: lo <= value <= hi, or value < hi when <paramref name="hiExclusive"/>.</summary>
    public void Between(string key, double value, double lo, double hi, bool hiExclusive = false) =>
        Check(value >= lo && (hiExclusive ? value < hi : value <= hi), key,
            $"must be in [{Text(lo)}, {Text(hi)}{(hiExclusive ? ")" : "]")} (got {Text(value)})");

    public void OneOf(string key, string value, IReadOnlyCollection<string> allowed) =>
        Check(allowed.Contains(value), key, allowed.Count == 0
            ? $"is '{value}'; this task takes none"
            : $"is '{value}'; expected one of {string.Join(", ", allowed)}");

    public void NonEmptyDistinct<T>(string key, IReadOnlyCollection<T> values)
    {
        Check(values.Count > 0, key, "must not be empty");
        var repeated = values.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Check(repeated.Count == 0, key, $"must not repeat a value (repeated: {string.Join(", ", repeated)})");
    }

    public void ThrowIfAny()
    {
        if (problems.Count == 0) return;
        // structural problems first, then in file order; problems of defaults (no place) last
        var text = string.Join('\n', problems
            .OrderBy(p => p.Structural ? 0 : 1).ThenBy(p => p.At is null).ThenBy(p => p.At?.Line).ThenBy(p => p.At?.Column)
            .Select(p => p.Line));
        throw new PipelineInputException(text);
    }

    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    string Where(Mark? at) => at is { } m ? $"{source}:{m.Line}:{m.Column}: " : $"{source}: ";

    string Quote(Mark at) => at.Line >= 1 && at.Line <= lines.Length && lines[at.Line - 1].Trim() is { Length: > 0 } line ? $" (at '{line}')" : "";
}
