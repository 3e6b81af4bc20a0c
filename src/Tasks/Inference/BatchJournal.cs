using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// What identifies a batch job's results: the task, the pipeline file's bytes and the weights file's bytes (SHA-256),
/// and the command-line settings that override the pipeline (device, precision, batch size). Two runs with equal
/// fingerprints over the same input produce the same outputs, so finished work can be kept.
/// </summary>
public sealed record JobFingerprint(string Task, string Pipeline, string Weights, string Settings = "")
{
    public static JobFingerprint Of(string task, string pipelineFile, string weightsFile, string settings = "") =>
        new(task, Sha256(pipelineFile), Sha256(weightsFile), settings);

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>What changed between <paramref name="before"/> and this job, for the message that says why work is redone.</summary>
    public string Difference(JobFingerprint before) =>
        before.Task != Task ? $"the task changed ({before.Task} -> {Task})"
        : before.Pipeline != Pipeline ? "the pipeline file changed"
        : before.Weights != Weights ? "the weights file changed"
        : $"the run settings changed ({before.Settings} -> {Settings})";
}

/// <summary>
/// One line of a <see cref="BatchJournal"/>: a JSON object whose `kind` says which record it is. A new kind of
/// record (finished row blocks of one big raster, a shard's progress) is one more derived record and one more
/// <see cref="JsonDerivedTypeAttribute"/> line here; a journal line of a kind this build does not know is skipped.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(JobStarted), "job")]
[JsonDerivedType(typeof(UnitFinished), "unit")]
[JsonDerivedType(typeof(BlockRowsFinished), "rows")]
public abstract record JournalRecord;

/// <summary>The first line: the job whose results the journal holds.</summary>
public sealed record JobStarted(JobFingerprint Job) : JournalRecord;

/// <summary>
/// A unit of work (one input, one pair of dates, a shard) finished: the identities of its inputs (see
/// <see cref="BatchJournal.Identity"/>) and its outputs, relative to the output folder.
/// </summary>
public sealed record UnitFinished(string Unit, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs) : JournalRecord;

/// <summary>
/// The leading <paramref name="BlockRows"/> rows of output blocks (GeoTIFF tiles) of a unit still running were on disk,
/// in its unfinished outputs, when this line was written; the unit's inputs as in <see cref="UnitFinished"/>. The last
/// such line of a unit is what a resumed run keeps.
/// </summary>
public sealed record BlockRowsFinished(string Unit, IReadOnlyList<string> Inputs, int BlockRows) : JournalRecord;

/// <summary>
/// The journal of a batch run (`segment`, `detect`, `change`), kept in its output folder: one line per finished unit
/// of work with its inputs' identities and the outputs it wrote. Re-running the same command after a crash, SIGKILL or
/// Ctrl-C skips the units whose line is there, whose inputs are unchanged and whose outputs all exist; since every
/// output is written to a temporary name and renamed only when complete, a unit is either in the journal with all its
/// files or redone. A different pipeline, weights file or run setting starts the journal over, and a changed input
/// redoes its unit; each says so in one line. Units are plain names, so the worker's shards record themselves the
/// same way.
/// </summary>
public sealed class BatchJournal : IDisposable
{
    public const string FileName = ".geodense-journal.jsonl";

    readonly string outputDir;
    readonly Action<string> say;
    readonly List<JournalRecord> earlier;
    readonly Dictionary<string, UnitFinished> finished = new(StringComparer.Ordinal);
    readonly StreamWriter writer;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    BatchJournal(string outputDir, Action<string> say, List<JournalRecord> earlier, StreamWriter writer)
    {
        this.outputDir = outputDir;
        this.say = say;
        this.earlier = earlier;
        this.writer = writer;
        foreach (var unit in earlier.OfType<UnitFinished>()) finished[unit.Unit] = unit;
    }

    /// <param name="say">receives the one line that explains why an earlier run's work is not reused</param>
    public static BatchJournal Open(string outputDir, JobFingerprint job, Action<string> say)
    {
        var path = Path.Combine(outputDir, FileName);
        var earlier = new List<JournalRecord>();
        bool reuse = false;
        if (File.Exists(path))
        {
            // a line cut short by a crash is the one unit that was not finished; it and unknown kinds are skipped
            var records = File.ReadLines(path).Select(TryParse).ToList();
            if (records.FirstOrDefault() is not JobStarted started) say($"{path}: unreadable journal; every input is processed again");
            else if (started.Job != job) say($"{path}: {job.Difference(started.Job)} since the last run; every input is processed again");
            else
            {
                reuse = true;
                earlier.AddRange(records.Skip(1).OfType<JournalRecord>());
            }
        }
        // a unit a killed run was writing is redone; the temporaries it left are of no use
        GeoDense.IO.AtomicFile.DeleteAbandoned(outputDir);
        bool cutShort = reuse && !EndsWithNewline(path);
        var writer = new StreamWriter(new FileStream(path, reuse ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read));
        var journal = new BatchJournal(outputDir, say, earlier, writer);
        if (!reuse) journal.Append(new JobStarted(job));
        // a line cut short ends without a newline: the next record starts a line of its own
        else if (cutShort) writer.WriteLine();
        return journal;
    }

    /// <summary>The records of type <typeparamref name="T"/> an earlier run of the same job left (none after a restart).</summary>
    public IEnumerable<T> Earlier<T>() where T : JournalRecord => earlier.OfType<T>();

    /// <summary>
    /// The outputs an earlier run wrote for <paramref name="unit"/>, when its inputs are unchanged and they all still
    /// exist; otherwise null, and when the unit had finished, one line says why it is redone.
    /// </summary>
    public IReadOnlyList<string>? Finished(string unit, params IReadOnlyList<string> inputs)
    {
        if (!finished.TryGetValue(unit, out var entry)) return null;
        var now = inputs.Select(Identity).ToList();
        if (!entry.Inputs.SequenceEqual(now))
        {
            var changed = inputs.Where((input, i) => i >= entry.Inputs.Count || entry.Inputs[i] != now[i]).FirstOrDefault() ?? inputs[0];
            say($"{changed}: changed since the last run (size or modification time); processed again");
            return null;
        }
        var outputs = entry.Outputs.Select(o => Path.Combine(outputDir, o)).ToList();
        if (outputs.FirstOrDefault(o => !File.Exists(o)) is { } missing)
        {
            say($"{missing}: written by the last run but gone; {unit} is processed again");
            return null;
        }
        return outputs;
    }

    /// <summary>Records a unit once all its outputs are at their final paths; the line is on disk when this returns.</summary>
    public void MarkFinished(string unit, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        var entry = new UnitFinished(unit, inputs.Select(Identity).ToList(), outputs.Select(o => Path.GetRelativePath(outputDir, o)).ToList());
        finished[unit] = entry;
        Append(entry);
    }

    /// <summary>
    /// How many leading rows of output blocks of <paramref name="unit"/> a killed earlier run had on disk (its last
    /// <see cref="BlockRowsFinished"/> line), when its inputs are unchanged; 0 otherwise.
    /// </summary>
    public int FinishedBlockRows(string unit, params IReadOnlyList<string> inputs)
    {
        var now = inputs.Select(Identity).ToList();
        return earlier.OfType<BlockRowsFinished>().LastOrDefault(r => r.Unit == unit)
            is { } last && last.Inputs.SequenceEqual(now) ? last.BlockRows : 0;
    }

    /// <summary>Records that the leading <paramref name="blockRows"/> rows of blocks of a running unit are on disk.</summary>
    public void MarkBlockRowsFinished(string unit, IEnumerable<string> inputs, int blockRows) =>
        Append(new BlockRowsFinished(unit, inputs.Select(Identity).ToList(), blockRows));

    /// <summary>Appends any record (for kinds other than finished units); the line is on disk when this returns.</summary>
    public void Append(JournalRecord record)
    {
        writer.WriteLine(JsonSerializer.Serialize(record, Json));
        writer.Flush();
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>An input is the same when its path, size and modification time are (hashing a 10 GB mosaic would cost more than redoing it).</summary>
    public static string Identity(string input)
    {
        if (!File.Exists(input)) return input; // /vsi paths: the path is all there is
        var info = new FileInfo(input);
        return string.Create(CultureInfo.InvariantCulture, $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
    }

    static bool EndsWithNewline(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length == 0) return true;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '\n';
    }

    static JournalRecord? TryParse(string line)
    {
        try { return JsonSerializer.Deserialize<JournalRecord>(line, Json); }
        catch (Exception e) when (e is JsonException or NotSupportedException) { return null; }
    }

    public void Dispose() => writer.Dispose();
}
