using GeoDense.Geo;
using GeoDense.Tasks.Inference;

namespace GeoDense.Tasks.Tests.Inference;

public class TiledRunnerTests
{
    /// <summary>A batch that records its disposal, so tests can prove every batch is released exactly once.</summary>
    sealed class FakeBatch(IReadOnlyList<GridWindow> windows, List<int> disposed, int id) : IWindowBatch
    {
        public IReadOnlyList<GridWindow> Windows => windows;
        public int Id => id;
        public void Dispose() { lock (disposed) disposed.Add(id); }
    }

    sealed class FakeSource(int batches, List<int> disposed, int failAt = -1, CancellationTokenSource? cancelAt = null, int cancelBatch = -1)
        : IWindowSource<FakeBatch>
    {
        /// <summary>Ids of the batches handed out, to compare with those disposed.</summary>
        public List<int> Created { get; } = [];

        public string Name => "fake.tif";
        public int WindowCount => batches * 2;

        public IEnumerable<FakeBatch> ReadBatches(CancellationToken cancellationToken)
        {
            for (int b = 0; b < batches; b++)
            {
                if (b == failAt) throw new RasterInputException("fake.tif", "fake.tif: truncated at batch 3");
                if (b == cancelBatch) cancelAt!.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
                var windows = Enumerable.Range(2 * b, 2).Select(i => new GridWindow(i, new PixelWindow(i, 0, 1, 1), 1, 1, 1, i, 0)).ToList();
                lock (Created) Created.Add(b);
                yield return new FakeBatch(windows, disposed, b);
            }
        }
    }

    [Fact]
    public void Every_window_is_consumed_once_in_read_order_and_every_batch_is_disposed()
    {
        var disposed = new List<int>();
        var consumed = new List<int>();
        var progress = new List<InferenceProgress>();
        int done = TiledRunner.Run(new FakeSource(7, disposed), b => b.Windows.Select(w => w.Index * 10).ToArray(),
            (b, scores) => { Assert.Equal(b.Windows.Select(w => w.Index * 10), scores); consumed.AddRange(b.Windows.Select(w => w.Index)); },
            progress.Add);
        Assert.Equal(14, done);
        Assert.Equal(Enumerable.Range(0, 14), consumed);
        Assert.Equal(Enumerable.Range(0, 7), disposed.Order());
        Assert.Equal(14, progress[^1].Done);
        Assert.Equal(14, progress[^1].Total);
    }

    [Fact]
    public void A_failing_reader_surfaces_as_its_own_error_and_nothing_leaks()
    {
        var disposed = new List<int>();
        var source = new FakeSource(10, disposed, failAt: 3);
        var e = Assert.Throws<RasterInputException>(() => TiledRunner.Run(source, b => b.Id, (_, _) => { }));
        Assert.Equal("fake.tif: truncated at batch 3", e.Message);
        Assert.Equal(source.Created, disposed.Order());
    }

    [Fact]
    public void A_failing_model_stops_the_reader_and_surfaces_as_its_own_error()
    {
        var disposed = new List<int>();
        var source = new FakeSource(50, disposed);
        var e = Assert.Throws<InvalidOperationException>(() =>
            TiledRunner.Run(source, b => b.Id == 2 ? throw new InvalidOperationException("model failed on batch 2") : b.Id, (_, _) => { }));
        Assert.Equal("model failed on batch 2", e.Message);
        // the reader stopped (at most the two queued batches and one in hand past the failing one), and what it read was released once
        Assert.InRange(source.Created.Count, 3, 6);
        Assert.Equal(source.Created, disposed.Order());
    }

    [Fact]
    public void A_failing_consumer_surfaces_as_its_own_error()
    {
        var disposed = new List<int>();
        var source = new FakeSource(20, disposed);
        var e = Assert.Throws<IOException>(() =>
            TiledRunner.Run(source, b => b.Id, (b, _) => { if (b.Id == 1) throw new IOException("disk full"); }));
        Assert.Equal("disk full", e.Message);
        Assert.True(source.Created.Count < 20, $"{source.Created.Count} batches were read");
        Assert.Equal(source.Created, disposed.Order());
    }

    [Fact]
    public void Cancellation_stops_all_stages_and_throws_operation_cancelled()
    {
        var disposed = new List<int>();
        using var cancel = new CancellationTokenSource();
        var source = new FakeSource(1000, disposed, cancelAt: cancel, cancelBatch: 5);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            TiledRunner.Run(source, b => b.Id, (_, _) => { }, cancellationToken: cancel.Token));
        Assert.Equal(Enumerable.Range(0, 5), source.Created);
        Assert.Equal(source.Created, disposed.Order());
    }

    [Fact]
    public void Cancelling_from_the_consumer_stops_the_reader_and_the_model()
    {
        var disposed = new List<int>();
        using var cancel = new CancellationTokenSource();
        var source = new FakeSource(1000, disposed);
        var consumed = new List<int>();
        Assert.ThrowsAny<OperationCanceledException>(() => TiledRunner.Run(source, b => b.Id,
            (b, _) => { consumed.Add(b.Id); if (b.Id == 3) cancel.Cancel(); }, cancellationToken: cancel.Token));
        Assert.Equal([0, 1, 2, 3], consumed);
        Assert.True(source.Created.Count < 1000, $"{source.Created.Count} batches were read");
        Assert.Equal(source.Created, disposed.Order());
    }

    [Fact]
    public void Paired_windows_read_the_same_pixels_of_both_dates()
    {
        var dir = Directory.CreateTempSubdirectory("paired-").FullName;
        try
        {
            string before = Path.Combine(dir, "before.tif"), after = Path.Combine(dir, "after.tif");
            GeoDense.Tasks.Segmentation.SyntheticPotsdam.WriteMosaic(before, 70, 50, seed: 1, nodataColumns: 0);
            GeoDense.Tasks.Segmentation.SyntheticPotsdam.WriteMosaic(after, 70, 50, seed: 2, nodataColumns: 0);
            var windows = WindowGrid.Create(70, 50, new GridOptions(32, 24));
            var options = new TilerOptions([1, 2, 3], BatchSize: 2);
            var source = new PairedRasterWindows("pair", () => Raster.Open(before), () => Raster.Open(after), windows, options);
            using var beforeRaster = Raster.Open(before);
            using var afterRaster = Raster.Open(after);
            int seen = TiledRunner.Run(source, b => b, (b, _) =>
            {
                for (int i = 0; i < b.Windows.Count; i++)
                {
                    Assert.Equal(beforeRaster.Read<float>(b.Windows[i].Source, [1, 2, 3], new WindowReadOptions(OutputWidth: 32, OutputHeight: 32)),
                        b.Before.Tile(i).ToArray());
                    Assert.Equal(afterRaster.Read<float>(b.Windows[i].Source, [1, 2, 3], new WindowReadOptions(OutputWidth: 32, OutputHeight: 32)),
                        b.After.Tile(i).ToArray());
                }
            });
            Assert.Equal(windows.Count, seen);
            Assert.NotEqual(beforeRaster.Read<float>(windows[0].Source, [1]), afterRaster.Read<float>(windows[0].Source, [1]));
        }
        finally { Directory.Delete(dir, true); }
    }
}
