namespace GeoDense.Cli.Tests;

/// <summary>
/// Every file a batch run left in its output folder (subfolders too) by relative path, with its bytes: what a resumed
/// run must reproduce exactly. Hidden files (the journal) and the results page (it names the run's time) are left out.
/// </summary>
public static class OutputSnapshot
{
    public static Dictionary<string, byte[]> Of(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
        .Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "index.html")
        .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    /// <summary>Fails naming the first file that is missing, extra or different.</summary>
    public static void AssertSame(string expectedDir, string actualDir)
    {
        var expected = Of(expectedDir);
        var actual = Of(actualDir);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs from the uninterrupted run's");
        Assert.Empty(Directory.GetFiles(actualDir, "*partial*", SearchOption.AllDirectories));
    }

    /// <summary>
    /// The resume check of every batch command: an uninterrupted run into one folder; a run into another folder killed
    /// with SIGKILL once a line says an input finished (whatever it was doing then), then the same command again,
    /// which must say <paramref name="skipped"/> and end with the same files. <paramref name="checkUninterrupted"/> looks at
    /// the uninterrupted run's folder and stderr first.
    /// </summary>
    public static void AssertKilledRunResumes(Func<string, string[]> args, string inputFinished, string skipped,
        Action<string, string>? checkUninterrupted = null)
    {
        var whole = Directory.CreateTempSubdirectory("geodense-whole-").FullName;
        var resumed = Directory.CreateTempSubdirectory("geodense-resumed-").FullName;
        try
        {
            var (code, _, stderr) = GeodenseProcess.Run(args(whole));
            Assert.True(code == 0, stderr);
            checkUninterrupted?.Invoke(whole, stderr);

            using (var run = new RunningGeodense(args(resumed)))
                run.WaitForLine(l => l.Contains(inputFinished, StringComparison.Ordinal), TimeSpan.FromMinutes(5));
            // disposed: killed with SIGKILL, with its second input somewhere between not started and finished

            var (again, stdout, stderr2) = GeodenseProcess.Run(args(resumed));
            Assert.True(again == 0, stderr2);
            Assert.Contains(skipped, stdout);
            AssertSame(whole, resumed);
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(resumed, recursive: true);
        }
    }
}
