namespace GeoDense.Geo.Tests;

public class TilerTests
{
    [Fact]
    public void BatchesHoldTheWindowsInOrderWithTheirPixels()
    {
        using var dir = new TempDir();
        var path = dir.File("scene.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(300, 200, Bands: 4, DataType: RasterDataType.UInt16));
        using var raster = Raster.Open(path);
        var windows = WindowGrid.Create(raster, new GridOptions(96, 64));
        Assert.Equal(15, windows.Count);
        var seen = new List<GridWindow>();
        foreach (var batch in Tiler.ReadBatches(path, windows, new TilerOptions(Bands: [4, 2], BatchSize: 5)))
            using (batch)
            {
                Assert.Equal((2, 96, 96), (batch.Channels, batch.Height, batch.Width));
                Assert.Equal(batch.Count * 2 * 96 * 96, batch.Data.Length);
                for (int i = 0; i < batch.Count; i++)
                    Assert.Equal(raster.Read<float>(batch.Windows[i].Source, [4, 2]), batch.Tile(i).ToArray());
                seen.AddRange(batch.Windows);
            }
        Assert.Equal(windows, seen);
    }

    [Fact]
    public async Task PaddedSmallRasterAndEarlyExitWork()
    {
        using var dir = new TempDir();
        var path = dir.File("small.tif");
        SyntheticScene.Write(path, new SyntheticSceneOptions(40, 30, Bands: 1));
        var windows = WindowGrid.Create(40, 30, new GridOptions(64, 64));
        await foreach (var batch in Tiler.ReadBatchesAsync(path, windows, new TilerOptions(PadValue: -5)))
        {
            using (batch)
            {
                Assert.Equal(-5f, batch.Tile(0)[63 * 64 + 63]);
                Assert.Equal(SyntheticScene.Value(1, 39, 29), batch.Tile(0)[29 * 64 + 39]);
            }
        }
        // Leaving after the first batch stops the background reader instead of hanging (a hang would time the test out).
        var many = WindowGrid.Create(40, 30, new GridOptions(4, 4));
        var leave = Task.Run(async () =>
        {
            await foreach (var batch in Tiler.ReadBatchesAsync(path, many, new TilerOptions(BatchSize: 2, ReadAhead: 1)))
            {
                batch.Dispose();
                break;
            }
        });
        Assert.Same(leave, await Task.WhenAny(leave, Task.Delay(TimeSpan.FromMinutes(2))));
        await leave;
    }

    [Fact]
    public void ReaderErrorsReachTheConsumerNamingTheFile()
    {
        var windows = WindowGrid.Create(10, 10, new GridOptions(4, 4));
        var e = Assert.Throws<RasterInputException>(() => Tiler.ReadBatches("/no/such/scene.tif", windows).ToList());
        Assert.Contains("/no/such/scene.tif", e.Message);
    }
}
