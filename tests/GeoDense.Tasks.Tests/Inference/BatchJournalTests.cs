using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using DetectedBox = GeoDense.Tasks.Detection.Detection;

namespace GeoDense.Tasks.Tests.Inference;

/// <summary>The journal's records as files on disk: what a re-run keeps, what it redoes and what it says.</summary>
public sealed class BatchJournalTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("journal-").FullName;
    readonly List<string> said = [];

    public void Dispose() => Directory.Delete(dir, true);

    static readonly JobFingerprint Job = new("change", "p", "w", "device=cpu precision=fp32 batch_size=4");

    string Write(string name, string text = "x")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    BatchJournal Open(JobFingerprint? job = null) => BatchJournal.Open(dir, job ?? Job, said.Add);

    [Fact]
    public void A_unit_is_kept_across_runs_while_its_inputs_and_outputs_are_unchanged()
    {
        var (before, after, map) = (Write("a.tif"), Write("b.tif"), Write("a_b_change.tif"));
        using (var journal = Open()) journal.MarkFinished("a_b", [before, after], [map]);
        using (var journal = Open()) Assert.Equal(new[] { map }, journal.Finished("a_b", before, after));
        Assert.Empty(said);

        File.SetLastWriteTimeUtc(after, File.GetLastWriteTimeUtc(after).AddSeconds(5));
        using (var journal = Open()) Assert.Null(journal.Finished("a_b", before, after));
        Assert.Equal(new[] { $"{after}: changed since the last run (size or modification time); processed again" }, said);
    }

    [Fact]
    public void The_last_finished_block_rows_of_a_unit_are_kept_while_its_input_is_unchanged()
    {
        var input = Write("big.tif");
        using (var journal = Open())
        {
            Assert.Equal(0, journal.FinishedBlockRows("big", input));
            journal.MarkBlockRowsFinished("big", [input], 2);
            journal.MarkBlockRowsFinished("big", [input], 5);
        }
        Assert.Contains("{\"kind\":\"rows\",\"unit\":\"big\",", File.ReadAllText(Path.Combine(dir, BatchJournal.FileName)));
        using (var journal = Open())
        {
            Assert.Equal(5, journal.FinishedBlockRows("big", input));
            Assert.Equal(0, journal.FinishedBlockRows("other", input));
            // a run that had to start over (its unfinished file unreadable) reports from 1 again: the last line counts
            journal.MarkBlockRowsFinished("big", [input], 1);
        }
        using (var journal = Open()) Assert.Equal(1, journal.FinishedBlockRows("big", input));

        File.AppendAllText(input, "changed");
        using (var journal = Open()) Assert.Equal(0, journal.FinishedBlockRows("big", input));
        using (var journal = Open(Job with { Weights = "w2" })) Assert.Equal(0, journal.FinishedBlockRows("big", input));
    }

    [Fact]
    public void Another_run_setting_starts_over_and_says_which()
    {
        var (input, output) = (Write("a.tif"), Write("a_classes.tif"));
        using (var journal = Open()) journal.MarkFinished("a", [input], [output]);
        using (var journal = Open(Job with { Settings = "device=cpu precision=fp32 batch_size=8" })) Assert.Null(journal.Finished("a", input));
        var line = Assert.Single(said);
        Assert.EndsWith("the run settings changed (device=cpu precision=fp32 batch_size=4 -> device=cpu precision=fp32 batch_size=8) since the last run; " +
                        "every input is processed again", line);
    }

    [Fact]
    public void A_line_cut_short_and_a_record_of_an_unknown_kind_are_skipped()
    {
        var (a, b, outA, outB) = (Write("a.tif"), Write("b.tif"), Write("a_out.tif"), Write("b_out.tif"));
        using (var journal = Open())
        {
            journal.MarkFinished("a", [a], [outA]);
            journal.MarkFinished("b", [b], [outB]);
        }
        var path = Path.Combine(dir, BatchJournal.FileName);
        var lines = File.ReadAllLines(path);
        // the last line was being written when the run was killed: no newline after it
        File.WriteAllText(path, string.Join('\n', lines[0], """{"kind":"block","unit":"a","row":512}""", lines[1], lines[2][..(lines[2].Length / 2)]));
        using (var journal = Open())
        {
            Assert.NotNull(journal.Finished("a", a));
            Assert.Null(journal.Finished("b", b));
            Assert.Single(journal.Earlier<UnitFinished>());
            journal.MarkFinished("b", [b], [outB]);
        }
        using (var journal = Open()) Assert.NotNull(journal.Finished("b", b));   // not glued to the cut line
        Assert.Empty(said);
    }

    [Fact]
    public void Detections_read_back_exactly_as_they_were_written()
    {
        var preview = Write("P1_detections.png");
        var detections = new List<DetectedBox>
        {
            new(1, 0.1f + 0.2f, Quad.FromArray([0.1, 1.0 / 3, 1e-7, 2, 100.25f, 3, Math.PI, 5])),
            new(0, 0.30000001192092896, new Quad(1, 2, 3, 4, 5, 6, 7, 8)),
        };
        var outputs = new DetectOutputs("/data/P1.tif", "P1", detections, [], preview, Windows: 4, Seconds: 1.5);
        var path = DetectionsFile.Write(dir, outputs, ["plane", "ship"]);
        var read = DetectionsFile.Read(path, dir);
        Assert.Equal(detections, read.Detections);
        Assert.Equal((outputs.Input, outputs.ImageName, outputs.Preview, outputs.Windows), (read.Input, read.ImageName, read.Preview, read.Windows));
    }
}
