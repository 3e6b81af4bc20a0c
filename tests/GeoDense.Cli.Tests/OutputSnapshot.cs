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
}
