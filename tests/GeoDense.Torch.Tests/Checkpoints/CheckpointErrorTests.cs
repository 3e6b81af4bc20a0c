using GeoDense.Torch.Checkpoints;

namespace GeoDense.Torch.Tests.Checkpoints;

/// <summary>Unusable files fail with a CheckpointInputException whose message names the file and the problem.</summary>
public class CheckpointErrorTests
{
    private static CheckpointInputException LoadFails(string path)
    {
        var e = Assert.Throws<CheckpointInputException>(() => Checkpoint.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.EndsWith("InputException", e.GetType().Name); // the CLI maps these to exit code 2
        return e;
    }

    [Fact]
    public void TruncatedZipIsReportedAsDamaged()
    {
        using var files = new TestFiles();
        var source = TestFiles.LeMeViT("weights.pth");
        var path = files.Truncated(source, new FileInfo(source).Length / 2, "half.pth");
        Assert.Contains("damaged or truncated", LoadFails(path).Message);
    }

    [Fact]
    public void ZipCutInsideTheLastStorageIsReportedAsDamaged()
    {
        using var files = new TestFiles();
        var source = TestFiles.LeMeViT("weights.pth");
        var path = files.Truncated(source, new FileInfo(source).Length - 30, "tail.pth");
        Assert.Contains("damaged or truncated", LoadFails(path).Message);
    }

    [Fact]
    public void TruncatedSafetensorsNamesTheMissingBytes()
    {
        using var files = new TestFiles();
        var source = TestFiles.LeMeViT("io.safetensors");
        var e = LoadFails(files.Truncated(source, 600_000, "io.safetensors"));
        Assert.Contains("not a safetensors file", e.Message);
        Assert.Contains("truncated", e.Message);

        var headerCut = LoadFails(files.Truncated(source, 300, "header.safetensors"));
        Assert.Contains("header needs 520 bytes", headerCut.Message);
    }

    [Fact]
    public void SafetensorsWithBrokenJsonIsRejected()
    {
        using var files = new TestFiles();
        var path = files.File("bad.safetensors");
        var header = "{\"a\": [1, 2"u8.ToArray();
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header]);
        Assert.Contains("header is not valid JSON", LoadFails(path).Message);
    }

    [Fact]
    public void TextFileIsNotACheckpoint()
    {
        using var files = new TestFiles();
        var path = files.File("notes.pth");
        File.WriteAllText(path, "these are not weights\n");
        Assert.Contains("not a checkpoint", LoadFails(path).Message);
    }

    [Fact]
    public void LegacyTorchSaveFormatSaysHowToResave()
    {
        var path = TestFiles.Data("torch-files", "legacy.pth");
        var e = LoadFails(path);
        Assert.Contains("legacy torch.save format", e.Message);
        Assert.Contains("_use_new_zipfile_serialization=True", e.Message);
    }

    [Fact]
    public void EmptyAndMissingFilesAreReported()
    {
        using var files = new TestFiles();
        var empty = files.File("empty.pth");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", LoadFails(empty).Message);
        Assert.Contains("not found", LoadFails(files.File("missing.pth")).Message);
    }

    [Fact]
    public void ZipWithoutPickleIsNotATorchCheckpoint()
    {
        using var files = new TestFiles();
        var path = files.File("other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
            using (var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
                writer.Write("hello");
        Assert.Contains("no data.pkl", LoadFails(path).Message);
    }

    [Fact]
    public void CheckpointWithoutStateDictListsItsKeys()
    {
        var path = TestFiles.LeMeViT("weights_wrapped.pth");
        var options = StateDictOptions.Default with { WrapperKeys = ["state_dict"] };
        var e = Assert.Throws<CheckpointInputException>(() => Checkpoint.LoadStateDict(path, options));
        Assert.Contains("keys are [model, epoch]", e.Message);
        Assert.StartsWith(path, e.Message);
    }
}
