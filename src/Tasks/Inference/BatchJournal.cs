using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// What identifies a batch job's results: the task, the pipeline file's bytes and the weights file's bytes (SHA-256).
/// Two runs with equal fingerprints over the same input produce the same outputs, so finished work can be kept.
/// </summary>
public sealed record JobFingerprint(string Task, string Pipeline, string Weights)
{
    public static JobFingerprint Of(string task, string pipelineFile, string weightsFile) => new(task, Sha256(pipelineFile), Sha256(weightsFile));

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>What changed between <paramref name="before"/> and this job, for the message that says why work is redone.</summary>
    public string Difference(JobFingerprint before) =>
        before.Task != Task ? $"the task changed ({before.Task} -> {Task})"
        : before.Pipeline != Pipeline ? "the pipeline file changed"
        : "the weights file changed";
}

/// <summary>
/// The journal of a batch run, kept in its output folder: one line per finished unit of work (an input, or a shard of
/// one) with the input's identity and the outputs it wrote. Re-running the same command after a crash, SIGKILL or
/// Ctrl-C skips the units whose line is there, whose input is unchanged and whose outputs all exist; since every output
/// is written to a temporary name and renamed only when complete, a unit is either in the journal with all its files or
/// redone. A different pipeline or weights file starts the journal over (and says so). Units are plain names, so the
/// worker's shards record themselves the same way.
/// </summary>
public sealed class BatchJournal : IDisposable
{
    public const string FileName = ".geodense-journal.jsonl";

    readonly string outputDir;
    readonly Dictionary<string, Entry> finished;
    readonly StreamWriter writer;

    sealed record Header(JobFingerprint Job);
    sealed record Entry(string Unit, string Input, IReadOnlyList<string> Outputs);

    BatchJournal(string outputDir, Dictionary<string, Entry> finished, StreamWriter writer)
    {
        this.outputDir = outputDir;
        this.finished = finished;
        this.writer = writer;
    }

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="say">receives the one line that explains why an earlier run's work is not reused</param>
    public static BatchJournal Open(string outputDir, JobFingerprint job, Action<string> say)
    {
        var path = Path.Combine(outputDir, FileName);
        var finished = new Dictionary<string, Entry>(StringComparer.Ordinal);
        bool reuse = false;
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            var header = lines.Length > 0 ? TryParse<Header>(lines[0]) : null;
            if (header?.Job is null) say($"{path}: unreadable journal; every input is processed again");
            else if (header.Job != job) say($"{path}: {job.Difference(header.Job)} since the last run; every input is processed again");
            else
            {
                reuse = true;
                // a line cut short by a crash is the one unit that was not finished
                foreach (var entry in lines.Skip(1).Select(TryParse<Entry>).OfType<Entry>()) finished[entry.Unit] = entry;
            }
        }
        // a unit a killed run was writing is redone; the temporaries it left are of no use
        GeoDense.IO.AtomicFile.DeleteAbandoned(outputDir);
        var writer = new StreamWriter(new FileStream(path, reuse ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read));
        var journal = new BatchJournal(outputDir, finished, writer);
        if (!reuse) journal.Append(new Header(job));
        return journal;
    }

    /// <summary>The outputs an earlier run wrote for <paramref name="unit"/>, when its input is unchanged and they all still exist.</summary>
    public IReadOnlyList<string>? Finished(string unit, string input)
    {
        if (!finished.TryGetValue(unit, out var entry) || entry.Input != Identity(input)) return null;
        var outputs = entry.Outputs.Select(o => Path.Combine(outputDir, o)).ToList();
        return outputs.All(File.Exists) ? outputs : null;
    }

    /// <summary>Records a unit once all its outputs are at their final paths; the line is on disk when this returns.</summary>
    public void MarkFinished(string unit, string input, IEnumerable<string> outputs)
    {
        var entry = new Entry(unit, Identity(input), outputs.Select(o => Path.GetRelativePath(outputDir, o)).ToList());
        finished[unit] = entry;
        Append(entry);
    }

    void Append<T>(T record)
    {
        writer.WriteLine(JsonSerializer.Serialize(record, Json));
        writer.Flush();
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>An input is the same when its path, size and modification time are (hashing a 10 GB mosaic would cost more than redoing it).</summary>
    static string Identity(string input)
    {
        if (!File.Exists(input)) return input; // /vsi paths: the path is all there is
        var info = new FileInfo(input);
        return string.Create(CultureInfo.InvariantCulture, $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
    }

    static T? TryParse<T>(string line) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(line, Json); }
        catch (JsonException) { return null; }
    }

    public void Dispose() => writer.Dispose();
}
