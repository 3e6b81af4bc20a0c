namespace GeoDense.Cli.Tests;

/// <summary>
/// `change` over a list of pairs killed with SIGKILL once its first pair is finished, and run again, ends with the
/// same files (maps, probabilities, polygons, previews, summaries) byte for byte as an uninterrupted run; whatever the
/// moment of the kill the outcome is the same. A changed date redoes its pair, and says so; the others are kept.
/// </summary>
public class ChangeResumeTests(ChangeMapFiles files) : IClassFixture<ChangeMapFiles>
{
    /// <summary>The fixture's pipeline without GeoPackage output: a GeoPackage records when it was written.</summary>
    string Pipeline()
    {
        var path = files.PathOf("change-resume.yaml");
        if (!File.Exists(path)) File.WriteAllText(path, File.ReadAllText(files.Pipeline).Replace(", gpkg", ""));
        return path;
    }

    string Pairs()
    {
        var list = files.PathOf("resume-pairs.txt");
        var copy = files.PathOf("2021-copy.tif");
        if (!File.Exists(copy)) File.Copy(files.After, copy);
        File.WriteAllLines(list, ["2019.tif 2021.tif", "2021.tif 2019.tif", "2019.tif 2021-copy.tif"]);
        return list;
    }

    string[] Args(string output) =>
        ["change", "--pipeline", Pipeline(), "--weights", files.Weights, "--pairs", Pairs(), "--output", output, "--threads", "1"];

    [Fact]
    public void A_killed_change_run_resumes_to_the_same_outputs_as_an_uninterrupted_run()
    {
        OutputSnapshot.AssertKilledRunResumes(o => Args(o), " tiles in ", "2021.tif: finished in an earlier run",
            (_, stderr) => Assert.Contains("3 pair(s) [", stderr));
    }

    [Fact]
    public void A_changed_date_redoes_its_pair_and_says_so()
    {
        var output = Directory.CreateTempSubdirectory("geodense-change-journal-").FullName;
        try
        {
            Assert.Equal(0, GeodenseProcess.Run(Args(output)).ExitCode);
            var copy = files.PathOf("2021-copy.tif");
            File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(copy).AddMinutes(1));

            var (code, stdout, stderr) = GeodenseProcess.Run(Args(output));
            Assert.True(code == 0, stderr);
            var note = Assert.Single(stderr.Split('\n'), l => l.StartsWith("note: ", StringComparison.Ordinal));
            Assert.Equal($"note: {copy}: changed since the last run (size or modification time); processed again", note);
            Assert.Equal(2, stdout.Split('\n').Count(l => l.Contains("finished in an earlier run", StringComparison.Ordinal)));
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith($"{files.Before} -> {copy}: ", StringComparison.Ordinal) && l.Contains(" tiles in "));
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
