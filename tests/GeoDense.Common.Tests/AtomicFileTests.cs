using GeoDense.IO;

namespace GeoDense.Common.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"geodense-atomic-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string[] FilesInFolder() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void Commit_puts_the_content_at_the_final_path_and_leaves_nothing_else()
    {
        var path = Path.Combine(_dir, "metrics.json");
        AtomicFile.WriteAllText(path, "{\"miou\": 0.5}");
        Assert.Equal("{\"miou\": 0.5}", File.ReadAllText(path));
        Assert.Equal(["metrics.json"], FilesInFolder());
    }

    [Fact]
    public void Commit_replaces_an_existing_file()
    {
        var path = Path.Combine(_dir, "state.json");
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["state.json"], FilesInFolder());
    }

    [Fact]
    public void A_failing_writer_leaves_the_previous_file_and_no_temporary()
    {
        var path = Path.Combine(_dir, "model.safetensors");
        AtomicFile.WriteAllText(path, "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([1, 2, 3]);
            throw new IOException("disk full");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["model.safetensors"], FilesInFolder());
    }

    [Fact]
    public void The_temporary_is_a_hidden_sibling_with_the_same_extension()
    {
        var path = Path.Combine(_dir, "nested", "scene.tif");
        using var file = AtomicFile.Begin(path);
        Assert.True(Directory.Exists(Path.Combine(_dir, "nested")), "Begin creates the parent folder");
        Assert.Equal(Path.Combine(_dir, "nested"), Path.GetDirectoryName(file.TemporaryPath));
        Assert.Matches(@"^\.scene\.partial-[0-9a-f]{8}\.tif$", Path.GetFileName(file.TemporaryPath));
        Assert.Equal(path, file.FinalPath);
        using var second = AtomicFile.Begin(path);
        Assert.NotEqual(file.TemporaryPath, second.TemporaryPath);
    }

    [Fact]
    public void A_relative_path_resolves_against_the_current_folder()
    {
        using var file = AtomicFile.Begin("out.png");
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "out.png"), file.FinalPath);
    }

    [Fact]
    public void Dispose_without_commit_deletes_a_temporary_file_or_folder()
    {
        var file = AtomicFile.Begin(Path.Combine(_dir, "a.tif"));
        File.WriteAllText(file.TemporaryPath, "partial");
        file.Dispose();

        var folder = AtomicFile.Begin(Path.Combine(_dir, "b.shp"));
        Directory.CreateDirectory(folder.TemporaryPath);
        File.WriteAllText(Path.Combine(folder.TemporaryPath, "b.dbf"), "partial");
        folder.Dispose();

        Assert.Empty(FilesInFolder());
    }

    [Fact]
    public void Dispose_after_commit_keeps_the_output()
    {
        var path = Path.Combine(_dir, "a.txt");
        using (var file = AtomicFile.Begin(path))
        {
            File.WriteAllText(file.TemporaryPath, "done");
            file.Commit();
        }
        Assert.Equal("done", File.ReadAllText(path));
        Assert.Equal(["a.txt"], FilesInFolder());
    }

    [Fact]
    public void A_plugged_file_system_does_the_folder_rename_and_delete()
    {
        var fs = new RecordingFileSystem();
        using (var committed = AtomicFile.Begin("/vsimem/out/a.tif", fs))
        {
            Assert.Equal("/vsimem/out/a.tif", committed.FinalPath);
            Assert.StartsWith("/vsimem/out/.a.partial-", committed.TemporaryPath);
            committed.Commit();
            Assert.Equal([$"mkdir /vsimem/out", $"replace {committed.TemporaryPath} /vsimem/out/a.tif"], fs.Calls);
        }
        fs.Calls.Clear();
        string abandoned;
        using (var file = AtomicFile.Begin("/vsimem/out/b.tif", fs)) abandoned = file.TemporaryPath;
        Assert.Equal(["mkdir /vsimem/out", $"delete {abandoned}"], fs.Calls);
    }

    private sealed class RecordingFileSystem : IAtomicFileSystem
    {
        public List<string> Calls { get; } = [];
        public void CreateDirectory(string directory) => Calls.Add($"mkdir {directory}");
        public void Replace(string from, string to) => Calls.Add($"replace {from} {to}");
        public void Delete(string path) => Calls.Add($"delete {path}");
    }
}
