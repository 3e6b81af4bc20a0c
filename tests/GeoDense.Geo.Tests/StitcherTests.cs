namespace GeoDense.Geo.Tests;

public class StitcherTests
{
    private const int Width = 700, Height = 500;

    /// <summary>A 3-band float raster of random scores with a nodata rectangle (-1 in every band) in the top-left corner.</summary>
    private static string MakeScores(TempDir dir, out float[] values)
    {
        var path = dir.File("scores.tif");
        var random = new Random(7);
        values = new float[3 * Width * Height];
        for (int b = 0; b < 3; b++)
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    values[(b * Height + y) * Width + x] = x < 50 && y < 40 ? -1 : random.NextSingle();
        using var writer = RasterWriter.Create(path, new RasterSpec(Width, Height, 3, RasterDataType.Float32,
            GeoTransform.NorthUp(400_000, 5_800_000, 0.5), SpatialReference.FromEpsg(32633), NoData: -1));
        writer.Write<float>(PixelWindow.Full(Width, Height), [1, 2, 3], values);
        writer.Commit();
        return path;
    }

    [Theory]
    [InlineData(BlendMode.Cosine)]
    [InlineData(BlendMode.Linear)]
    [InlineData(BlendMode.Average)]
    [InlineData(BlendMode.Crop)]
    public void IdentityModelReproducesTheInputInAnyArrivalOrder(BlendMode blend)
    {
        using var dir = new TempDir();
        var input = MakeScores(dir, out var values);
        var classPath = dir.File("classes.tif");
        var probabilityPath = dir.File("probabilities.tif");
        using var source = Raster.Open(input);
        var grid = new GridOptions(128, 96);
        var windows = WindowGrid.Create(source, grid);
        // A shuffled arrival order, the same on every run so a failure can be replayed.
        var shuffle = new Random(11 + (int)blend);
        var tiles = Tiler.ReadBatches(input, windows, new TilerOptions(BatchSize: 4, NodataAsPad: false))
            .SelectMany(batch => { using (batch) return batch.Windows.Select((w, i) => (w, batch.Tile(i).ToArray())).ToList(); })
            .OrderBy(_ => shuffle.Next()).ToList();

        using (var stitcher = StreamingStitcher.ForRaster(source, windows, new StitcherOptions(3, blend, classPath, probabilityPath,
                   Overlap: grid.TileSize - grid.Stride)))
        {
            Parallel.ForEach(tiles, new ParallelOptions { MaxDegreeOfParallelism = 3 }, t => stitcher.AddScores(t.w, t.Item2));
            stitcher.Complete();
        }

        using var classes = Raster.Open(classPath);
        using var probabilities = Raster.Open(probabilityPath);
        Assert.Equal(source.GeoTransform, classes.GeoTransform);
        Assert.Equal(32633, classes.SpatialReference!.Epsg);
        Assert.Equal(255, classes.Band(1).NoData);
        Assert.True(double.IsNaN(probabilities.Band(2).NoData!.Value));
        var ids = classes.Read<byte>(PixelWindow.Full(Width, Height), [1]);
        var stitched = probabilities.Read<float>(PixelWindow.Full(Width, Height), [1, 2, 3]);
        int plane = Width * Height;
        for (int p = 0; p < plane; p++)
        {
            int x = p % Width, y = p / Width;
            if (x < 50 && y < 40)
            {
                Assert.Equal(255, ids[p]);
                Assert.True(float.IsNaN(stitched[p]));
                continue;
            }
            float a = values[p], b = values[plane + p], c = values[2 * plane + p];
            int expected = a >= b && a >= c ? 0 : b >= c ? 1 : 2;
            Assert.Equal(expected, ids[p]);
            for (int ch = 0; ch < 3; ch++)
                Assert.True(Math.Abs(values[ch * plane + p] - stitched[ch * plane + p]) <= 2e-6f, $"{blend}: pixel ({x},{y}) band {ch}");
        }
    }

    [Theory]
    [InlineData(BlendMode.Cosine)]
    [InlineData(BlendMode.Linear)]
    [InlineData(BlendMode.Average)]
    [InlineData(BlendMode.Crop)]
    public void ClassIdWindowsVoteBackTheExactClassMap(BlendMode blend)
    {
        using var dir = new TempDir();
        var truth = new byte[333 * 271];
        for (int i = 0; i < truth.Length; i++) truth[i] = (byte)((i % 333 / 20 + i / 333 / 15) % 5);
        var windows = WindowGrid.Create(333, 271, new GridOptions(64, 40));
        var output = dir.File("votes.tif");
        var probabilityPath = dir.File("votes-p.tif");
        using (var stitcher = new StreamingStitcher(new RasterGrid(333, 271), windows,
                   new StitcherOptions(5, blend, output, probabilityPath, ProbabilityEncoding.ScaledByte, Overlap: 24)))
        {
            foreach (var w in windows.Reverse())
            {
                var ids = new byte[64 * 64];
                for (int y = 0; y < 64; y++)
                    for (int x = 0; x < 64; x++) ids[y * 64 + x] = truth[(w.Source.Y + y) * 333 + w.Source.X + x];
                stitcher.AddClassIds(w, ids);
            }
            stitcher.Complete();
        }
        using var classes = Raster.Open(output);
        Assert.Equal(truth, classes.Read<byte>(PixelWindow.Full(333, 271), [1]));
        Assert.Null(classes.GeoTransform);
        using var probabilities = Raster.Open(probabilityPath);
        var scaled = probabilities.Read<byte>(PixelWindow.Full(333, 271), [1, 2, 3, 4, 5]);
        for (int p = 0; p < truth.Length; p += 97) Assert.Equal(254, scaled[truth[p] * truth.Length + p]);
    }

    [Fact]
    public void RowBandsAreWrittenAsSoonAsTheirWindowsArriveSoMemoryStaysBounded()
    {
        using var dir = new TempDir();
        int width = 1000, height = 3000;
        var windows = WindowGrid.Create(width, height, new GridOptions(128, 96));
        var tile = new float[2 * 128 * 128];
        using var stitcher = new StreamingStitcher(new RasterGrid(width, height), windows,
            new StitcherOptions(2, ClassPath: dir.File("bounded.tif"), Tiff: new GeoTiffOptions(BlockSize: 128)));
        foreach (var w in windows) stitcher.AddScores(w, tile);
        stitcher.Complete();
        long bandBytes = 3L * 128 * width * sizeof(float);
        long wholeRaster = 3L * width * height * sizeof(float);
        Assert.InRange(stitcher.PeakBufferedBytes, bandBytes, 3 * bandBytes);
        Assert.True(stitcher.PeakBufferedBytes * 7 < wholeRaster);
    }

    [Fact]
    public void MissingAndDuplicateWindowsAreReported()
    {
        using var dir = new TempDir();
        var windows = WindowGrid.Create(100, 100, new GridOptions(50, 50));
        var final = dir.File("partial.tif");
        using (var stitcher = new StreamingStitcher(new RasterGrid(100, 100), windows, new StitcherOptions(1, ClassPath: final)))
        {
            stitcher.AddClassIds(windows[0], new byte[2500]);
            Assert.Throws<InvalidOperationException>(() => stitcher.AddClassIds(windows[0], new byte[2500]));
            var e = Assert.Throws<InvalidOperationException>(() => stitcher.Complete());
            Assert.Contains("3 of 4 windows never arrived", e.Message);
        }
        Assert.False(File.Exists(final));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void MultiScaleWindowsMapBackOntoTheSourceGrid()
    {
        using var dir = new TempDir();
        // Classes in 32-pixel blocks: nearest resampling at 0.5x and 1.5x keeps every block's interior intact.
        int width = 600, height = 440;
        var truth = new byte[width * height];
        for (int p = 0; p < truth.Length; p++) truth[p] = (byte)((p % width / 32 + p / width / 32) % 4);
        var input = dir.File("blocks.tif");
        using (var writer = RasterWriter.Create(input, new RasterSpec(width, height, 1, RasterDataType.Byte, GeoTransform.NorthUp(0, 0, 1), SpatialReference.FromEpsg(32633))))
        {
            writer.Write<byte>(PixelWindow.Full(width, height), [1], truth);
            writer.Commit();
        }
        var windows = WindowGrid.Create(width, height, new GridOptions(128, 96, Scales: [0.5, 1.0, 1.5]));
        Assert.Contains(windows, w => w.IsRescaled);
        var output = dir.File("multiscale.tif");
        using (var source = Raster.Open(input))
        using (var stitcher = StreamingStitcher.ForRaster(source, windows, new StitcherOptions(4, BlendMode.Average, output)))
        {
            foreach (var batch in Tiler.ReadBatches(input, windows, new TilerOptions(Resampling: Resampling.Nearest)))
                using (batch)
                    for (int i = 0; i < batch.Count; i++)
                        stitcher.AddClassIds(batch.Windows[i], batch.Tile(i).ToArray().Select(v => (byte)v).ToArray());
            stitcher.Complete();
        }
        using var result = Raster.Open(output);
        var ids = result.Read<byte>(PixelWindow.Full(width, height), [1]);
        int agree = ids.Zip(truth).Count(pair => pair.First == pair.Second);
        Assert.True(agree > 0.97 * truth.Length, $"{agree} of {truth.Length} pixels agree");
        for (int p = 0; p < truth.Length; p++)
            if (p % width % 32 is > 2 and < 29 && p / width % 32 is > 2 and < 29)
                Assert.Equal(truth[p], ids[p]);
    }

    [Fact]
    public void UngeoreferencedInputWarnsAndStitchesInPixelSpace()
    {
        using var dir = new TempDir();
        var input = dir.File("plain.tif");
        SyntheticScene.Write(input, new SyntheticSceneOptions(90, 70, Bands: 1, Epsg: null));
        var warnings = new List<string>();
        void Collect(string m) { lock (warnings) warnings.Add(m); }
        var output = dir.File("plain-classes.tif");
        using var source = Raster.Open(input);
        var windows = WindowGrid.Create(source, new GridOptions(64, 48));
        GeoDiagnostics.Warning += Collect;
        try
        {
            using var stitcher = StreamingStitcher.ForRaster(source, windows, new StitcherOptions(1, ClassPath: output));
            foreach (var w in windows) stitcher.AddScores(w, Enumerable.Repeat(0.9f, 64 * 64).ToArray());
            stitcher.Complete();
        }
        finally
        {
            GeoDiagnostics.Warning -= Collect;
        }
        Assert.Contains(warnings, w => w.Contains(input) && w.Contains("no georeference; outputs are in pixel space"));
        using var result = Raster.Open(output);
        Assert.Null(result.GeoTransform);
        Assert.Null(result.SpatialReference);
        Assert.All(result.Read<byte>(PixelWindow.Full(90, 70), [1]), v => Assert.Equal(1, v));
    }

    [Fact]
    public void CogOutputHasOverviews()
    {
        using var dir = new TempDir();
        var windows = WindowGrid.Create(1200, 900, new GridOptions(256, 256));
        var path = dir.File("classes.cog.tif");
        using (var stitcher = new StreamingStitcher(new RasterGrid(1200, 900, GeoTransform.NorthUp(0, 0, 1), SpatialReference.FromEpsg(32633)), windows,
                   new StitcherOptions(1, ClassPath: path, Tiff: GeoTiffOptions.CloudOptimized)))
        {
            var ones = Enumerable.Repeat(1f, 256 * 256).ToArray();
            foreach (var w in windows) stitcher.AddScores(w, ones);
            stitcher.Complete();
        }
        using var cog = Raster.Open(path);
        Assert.True(cog.Band(1).OverviewCount >= 1);
        Assert.All(cog.Read<byte>(new PixelWindow(0, 0, 1200, 900), [1]), v => Assert.Equal(1, v));
        Assert.Contains("LAYOUT=COG", Tools.Run("gdalinfo", path));
    }
}
