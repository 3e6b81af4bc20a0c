using System.Globalization;
using System.Text.Json;
using GeoDense.Geo;

namespace GeoDense.Tasks.Training;

/// <summary>
/// The training record in the work directory: `log.csv` (one row per iteration: learning rate, the task's loss
/// columns, seconds), `val.csv` (one row per validation: the task's scalar metrics), `val.jsonl` (every validation
/// in full), `metrics.json` (the newest validation) and `curves.png` (loss and the first metric). On resume the rows
/// past the resumed iteration are dropped, so the logs read like one uninterrupted run, and the newest validation
/// is read back from `val.jsonl`.
/// </summary>
public sealed class TrainingLogs<TMetrics> where TMetrics : class, ITrainingMetrics
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    static readonly JsonSerializerOptions Json = MetricsJson.Options;
    const int LossPointEvery = 10;   // one curve point per 10 iterations keeps long runs readable

    readonly string dir;
    readonly List<(long Iteration, double Value)> loss = [], metric = [];
    string metricName = "metric";
    double lossSum;
    int lossCount;

    /// <summary>The newest validation at or before the resume point, or from this run.</summary>
    public TMetrics? LastValidation { get; private set; }

    /// <summary>The (0-based) iteration after which <see cref="LastValidation"/> ran; -1 before any.</summary>
    public long LastValidationIteration { get; private set; } = -1;

    readonly TextWriter warnings;

    public TrainingLogs(string workDir, long firstIteration, IReadOnlyList<string> lossNames, TextWriter? warnings = null)
    {
        dir = workDir;
        this.warnings = warnings ?? TextWriter.Null;
        int logColumns = 3 + lossNames.Count;
        Keep("log.csv", firstIteration, line => line.Split(',').Length == logColumns ? CsvIteration(line) : -1,
            replay: cols => AddLoss(long.Parse(cols[0], Inv), double.Parse(cols[2], Inv)),
            header: $"iteration,lr,{string.Join(",", lossNames)},seconds");
        var valHeader = File.Exists(Path.Combine(dir, "val.csv")) ? File.ReadLines(Path.Combine(dir, "val.csv")).FirstOrDefault() : null;
        int valColumns = valHeader?.Split(',').Length ?? 0;
        Keep("val.csv", firstIteration, line => line.Split(',').Length == valColumns ? CsvIteration(line) : -1);
        Keep("val.jsonl", firstIteration, line => Entry(line)?.Iteration ?? -1);
        foreach (var line in File.ReadLines(Path.Combine(dir, "val.jsonl")))
            if (Entry(line) is { } entry) Remember(entry.Iteration, entry.Metrics.Deserialize<TMetrics>(Json));
    }

    /// <summary>Records iteration <paramref name="iteration"/> (0-based) of the run.</summary>
    public void Train(long iteration, double lr, IReadOnlyList<double> losses, double seconds)
    {
        File.AppendAllText(Path.Combine(dir, "log.csv"),
            string.Create(Inv, $"{iteration},{lr:G6},{string.Join(",", losses.Select(l => l.ToString("G6", Inv)))},{seconds:F2}\n"));
        AddLoss(iteration, losses[0]);
    }

    /// <summary>Records the validation after iteration <paramref name="iteration"/> (0-based).</summary>
    public void Validation(long iteration, TMetrics metrics)
    {
        var csv = Path.Combine(dir, "val.csv");
        if (new FileInfo(csv).Length == 0) File.AppendAllText(csv, $"iteration,{string.Join(",", metrics.Scalars.Select(s => s.Key))}\n");
        File.AppendAllText(csv, string.Create(Inv, $"{iteration},{string.Join(",", metrics.Scalars.Select(s => s.Value.ToString("F4", Inv)))}\n"));
        var node = JsonSerializer.SerializeToNode(metrics, Json)!;
        File.AppendAllText(Path.Combine(dir, "val.jsonl"), JsonSerializer.Serialize(new { iteration, metrics = node }, Json) + "\n");
        MetricsJson.Write(Path.Combine(dir, "metrics.json"), metrics);
        Remember(iteration, node.Deserialize<TMetrics>(Json));
        Plot();
    }

    public void Finish() => Plot();

    sealed record ValidationEntry(long Iteration, System.Text.Json.Nodes.JsonNode Metrics);

    /// <summary>A `val.jsonl` line, or null for a line torn by a crash while appending.</summary>
    static ValidationEntry? Entry(string line)
    {
        try { return JsonSerializer.Deserialize<ValidationEntry>(line, Json); }
        catch (JsonException) { return null; }
    }

    void Remember(long iteration, TMetrics? metrics)
    {
        if (metrics is null) return;
        LastValidation = metrics;
        LastValidationIteration = iteration;
        metricName = metrics.Scalars.Count > 0 ? metrics.Scalars[0].Key : metricName;
        if (metrics.Scalars.Count > 0) metric.Add((iteration + 1, metrics.Scalars[0].Value));
    }

    void AddLoss(long iteration, double value)
    {
        lossSum += value;
        if (++lossCount < LossPointEvery) return;
        loss.Add((iteration + 1, lossSum / lossCount));
        lossSum = 0;
        lossCount = 0;
    }

    // a picture is a convenience: a missing font or a full disk must not stop a training run
    void Plot()
    {
        try { TrainingCurves.Write(Path.Combine(dir, "curves.png"), loss, metricName, metric); }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            warnings.WriteLine($"warning: {Path.Combine(dir, "curves.png")} not drawn: {e.Message}");
        }
    }

    static long CsvIteration(string line) => long.TryParse(line.Split(',')[0], NumberStyles.Integer, Inv, out var it) ? it : -1;

    /// <summary>
    /// Keeps a file's header (a first line without an iteration) and its rows of iterations before
    /// <paramref name="firstIteration"/>; a fresh run starts the file anew with <paramref name="header"/>.
    /// </summary>
    void Keep(string name, long firstIteration, Func<string, long> iterationOf, Action<string[]>? replay = null, string? header = null)
    {
        var path = Path.Combine(dir, name);
        var kept = new List<string>();
        if (header is not null) kept.Add(header);
        if (firstIteration > 0 && File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                long it = iterationOf(lines[i]);
                if (it < 0 && i == 0 && header is null) kept.Add(lines[i]);
                if (it < 0 || it >= firstIteration) continue;
                kept.Add(lines[i]);
                replay?.Invoke(lines[i].Split(','));
            }
        }
        File.WriteAllText(path, kept.Count == 0 ? "" : string.Join("\n", kept) + "\n");
    }
}
