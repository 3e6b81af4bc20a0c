namespace GeoDense.Geo.Tests;

/// <summary>
/// A stitch stopped part-way (disposed without <see cref="StreamingStitcher.Complete"/>, as Ctrl-C does) and resumed
/// from the last saved row of blocks, given only the windows touching the later rows, writes the same pixels as a
/// stitch run through once: bit for bit, class ids and probabilities.
/// </summary>
public class StitchResumeTests
{
    private const int Width = 413, Height = 297, Block = 64;

    [Fact]
    public void A_stitch_resumed_below_its_saved_block_rows_equals_one_run_through_bit_for_bit()
    {
        using var dir = new TempDir();
        var grid = new GridOptions(100, 70);   // one scale: windows in row order, so rows of blocks finish as they come
        var windows = WindowGrid.Create(Width, Height, grid);
        var random = new Random(5);
        var scores = windows.Select(w => Enumerable.Range(0, 3 * w.OutputWidth * w.OutputHeight).Select(_ => random.NextSingle()).ToArray()).ToList();
        StitcherOptions Options(string name, StitchResume? resume) => new(3, BlendMode.Cosine, ClassPath: dir.File($"{name}-classes.tif"),
            ProbabilityPath: dir.File($"{name}-probabilities.tif"), Tiff: new GeoTiffOptions(BlockSize: Block), Overlap: grid.TileSize - grid.Stride,
            MemoryBudget: 0, Resume: resume);

        using (var whole = new StreamingStitcher(new RasterGrid(Width, Height), windows, Options("whole", null)))
        {
            foreach (var w in windows) whole.AddScores(w, scores[w.Index]);
            whole.Complete();
        }

        var saved = new List<int>();
        using (var stopped = new StreamingStitcher(new RasterGrid(Width, Height), windows, Options("resumed", new StitchResume(0, saved.Add))))
            foreach (var w in windows.TakeWhile(_ => saved.Count < 2)) stopped.AddScores(w, scores[w.Index]);
        Assert.Equal(2, saved.Count);
        Assert.True(saved[0] >= 1 && saved[1] > saved[0] && saved[1] < (Height + Block - 1) / Block, string.Join(",", saved));
        Assert.False(File.Exists(dir.File("resumed-classes.tif")), "nothing at the final path before Complete");
        Assert.True(File.Exists(dir.File(".resumed-classes.unfinished.tif")));

        int finished = saved[^1];
        var options = Options("resumed", new StitchResume(finished, saved.Add));
        Assert.True(StreamingStitcher.CanResume(new RasterGrid(Width, Height), options));
        var rest = windows.Where(w => w.Source.Bottom > finished * Block).ToList();
        Assert.True(rest.Count < windows.Count);
        var renumbered = rest.Select((w, i) => w with { Index = i }).ToList();
        using (var resumed = new StreamingStitcher(new RasterGrid(Width, Height), renumbered, options))
        {
            foreach (var (w, original) in renumbered.Zip(rest)) resumed.AddScores(w, scores[original.Index]);
            resumed.Complete();
        }
        Assert.False(File.Exists(dir.File(".resumed-classes.unfinished.tif")));

        foreach (var output in new[] { "classes", "probabilities" })
        {
            using var expected = Raster.Open(dir.File($"whole-{output}.tif"));
            using var actual = Raster.Open(dir.File($"resumed-{output}.tif"));
            var all = PixelWindow.Full(Width, Height);
            Assert.Equal(expected.Read<float>(all, expected.AllBands()), actual.Read<float>(all, actual.AllBands()));
        }
    }

    [Fact]
    public void Missing_or_unreadable_unfinished_files_cannot_be_resumed()
    {
        using var dir = new TempDir();
        var options = new StitcherOptions(2, ClassPath: dir.File("c.tif"), Tiff: new GeoTiffOptions(BlockSize: Block), Resume: new StitchResume(1, _ => { }));
        Assert.False(StreamingStitcher.CanResume(new RasterGrid(Width, Height), options));
        File.WriteAllText(dir.File(".c.unfinished.tif"), "cut short by a kill");
        Assert.False(StreamingStitcher.CanResume(new RasterGrid(Width, Height), options));
    }
}
