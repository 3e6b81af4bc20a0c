using GeoDense.Geo;

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
