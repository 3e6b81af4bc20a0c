using GeoDense.Geo;
using GeoDense.Tasks.Inference;

namespace GeoDense.Cli.Tests;

/// <summary>
/// A batch `segment` over several mosaics killed with SIGKILL mid-way and run again ends with the same files as an
/// uninterrupted run; finished inputs are not redone, and a different weights file is noticed and redoes everything.
/// Whatever the moment of the kill, the outcome is the same, so the test does not depend on timing.
/// </summary>
public class BatchResumeTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    string[] Inputs()
    {
        var inputs = new[] { "resume-a.tif", "resume-b.tif", "resume-c.tif" }.Select(files.PathOf).ToArray();
        for (int i = 0; i < inputs.Length; i++)
            if (!File.Exists(inputs[i])) SyntheticScene.Write(inputs[i], new SyntheticSceneOptions(260 + 20 * i, 180 + 10 * i, 3, Epsg: 32633));
        return inputs;
    }

    string[] Args(string output, string? weights = null) =>
        ["segment", "--pipeline", files.Pipeline, "--weights", weights ?? files.Weights, "--input", .. Inputs(), "--output", output, "--threads", "1"];

    [Fact]
    public void A_killed_batch_run_resumes_to_the_same_outputs_as_an_uninterrupted_run()
    {
        OutputSnapshot.AssertKilledRunResumes(o => Args(o), " tiles in ", "resume-a.tif: finished in an earlier run");
    }

    /// <summary>
    /// One raster five rows of 256-pixel blocks high, with its probabilities: killed with SIGKILL once the journal says a
    /// row of blocks is on disk, then run again, it resumes below that row and ends with the same files byte for byte
    /// (all COGs, rewritten from the resumed GeoTIFFs). If the kill came too late, the run finished and is skipped instead:
    /// the files are the same either way.
    /// </summary>
    [Fact]
    public void A_big_raster_killed_mid_way_resumes_below_its_finished_block_rows_to_the_same_outputs()
    {
        var input = files.PathOf("resume-tall.tif");
        if (!File.Exists(input)) SyntheticScene.Write(input, new SyntheticSceneOptions(300, 1200, 3, Epsg: 32633));
        var pipeline = files.PathOf("with-probabilities.yaml");
        File.WriteAllText(pipeline, File.ReadAllText(files.Pipeline).Replace("formats: [cog, geojson, png]", "formats: [cog, probabilities, geojson, png]"));
        Assert.Contains("probabilities", File.ReadAllText(pipeline));
        string[] Args(string output) => ["segment", "--pipeline", pipeline, "--weights", files.Weights, "--input", input, "--output", output, "--threads", "1"];

        var whole = Directory.CreateTempSubdirectory("geodense-whole-").FullName;
        var resumed = Directory.CreateTempSubdirectory("geodense-resumed-").FullName;
        try
        {
            var (code, _, stderr) = GeodenseProcess.Run(Args(whole));
            Assert.True(code == 0, stderr);
            Assert.True(File.Exists(Path.Combine(whole, "resume-tall_probabilities.tif")));

            var journal = Path.Combine(resumed, BatchJournal.FileName);
            using (var run = new RunningGeodense(Args(resumed)))
                WaitFor(() => JournalText(journal).Contains("\"kind\":\"rows\"", StringComparison.Ordinal), run);
            // disposed: killed with SIGKILL, somewhere between that journal line and the end of the input
            bool finished = JournalText(journal).Contains("\"kind\":\"unit\"", StringComparison.Ordinal);

            var (again, stdout, stderr2) = GeodenseProcess.Run(Args(resumed));
            Assert.True(again == 0, stderr2);
            Assert.Contains(finished ? "finished in an earlier run" : "row(s) of output blocks finished in an earlier run", stdout);
            OutputSnapshot.AssertSame(whole, resumed);
            Assert.Empty(Directory.GetFiles(resumed, "*unfinished*"));
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(resumed, recursive: true);
        }
    }

    static string JournalText(string path)
    {
        if (!File.Exists(path)) return "";
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd();
    }

    /// <summary>Polls until <paramref name="done"/>; the limit only turns a hung child into a clear failure.</summary>
    static void WaitFor(Func<bool> done, RunningGeodense run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"the journal never recorded a finished row of blocks.\nstdout:\n{run.Out}\nstderr:\n{run.Err}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void Other_weights_invalidate_the_journal_and_say_so()
    {
        var output = Directory.CreateTempSubdirectory("geodense-journal-").FullName;
        var otherWeights = files.PathOf("other-weights.safetensors");
        try
        {
            Assert.Equal(0, GeodenseProcess.Run(Args(output)).ExitCode);
            var (unchanged, sameOut, _) = GeodenseProcess.Run(Args(output));
            Assert.Equal(0, unchanged);
            Assert.Equal(3, sameOut.Split('\n').Count(l => l.Contains("finished in an earlier run", StringComparison.Ordinal)));

            File.Copy(files.Weights, otherWeights, overwrite: true);
            using (var stream = File.OpenWrite(otherWeights)) { stream.Seek(-1, SeekOrigin.End); stream.WriteByte(0x42); } // one byte of a tensor
            var (code, stdout, stderr) = GeodenseProcess.Run(Args(output, otherWeights));
            Assert.True(code == 0, stderr);
            Assert.Contains("the weights file changed since the last run; every input is processed again", stderr);
            Assert.DoesNotContain("finished in an earlier run", stdout);
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
