namespace GeoDense.Torch.Tests.Checkpoints;

/// <summary>Paths of the committed test data and a scratch directory removed after each test.</summary>
internal sealed class TestFiles : IDisposable
{
    public static string Data(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    public static string LeMeViT(string name) => Data("lemevit-nano", name);

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("geodense-ckpt-").FullName;

    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>The first <paramref name="length"/> bytes of <paramref name="source"/> as a new file.</summary>
    public string Truncated(string source, long length, string name)
    {
        var bytes = System.IO.File.ReadAllBytes(source);
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes.AsSpan(0, (int)length).ToArray());
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
