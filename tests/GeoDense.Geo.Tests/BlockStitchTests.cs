namespace GeoDense.Geo.Tests;

/// <summary>
/// The stitcher works in 2-D output blocks and parks unfinished ones in a scratch file beyond its memory budget. Neither
/// may change a single bit: every pixel must come out as the plain sum, in window order, of weight x score over the
/// windows covering it, divided by the sum of weights, which is what the full-width row-band stitcher computed before.
/// </summary>
public class BlockStitchTests
{
    private const int Width = 413, Height = 297, Block = 64;

    /// <summary>Odd-sized grid, 2 scales (rescaled windows), tiles straddling blocks, a nodata corner in one or two inputs.</summary>
    [Theory]
    [InlineData(BlendMode.Cosine, 3, false)]
    [InlineData(BlendMode.Average, 3, false)]
    [InlineData(BlendMode.Crop, 5, false)]
    [InlineData(BlendMode.Linear, 2, false)]
    [InlineData(BlendMode.Cosine, 1, true)]   // a change map: one channel, nodata in either date
    public void Blocks_parked_on_disk_or_kept_in_memory_give_the_plain_sum_in_window_order_bit_for_bit(BlendMode blend, int channels, bool twoDates)
    {
        using var dir = new TempDir();
        var before = Nodata(dir.File("before.tif"), x: 0, y: 0);
        var after = Nodata(dir.File("after.tif"), x: Width - 70, y: Height - 50);
        var grid = new GridOptions(100, 70, [0.75, 1.0]);
        var windows = WindowGrid.Create(Width, Height, grid);
        var random = new Random(3);
        var scores = windows.Select(w => Enumerable.Range(0, channels * w.OutputWidth * w.OutputHeight).Select(_ => random.NextSingle()).ToArray()).ToList();

        float[] Stitch(long budget, out long scratchBytes)
        {
            var path = dir.File($"probabilities-{budget}.tif");
            var options = new StitcherOptions(channels, blend, ClassPath: dir.File($"classes-{budget}.tif"), ProbabilityPath: path,
                Tiff: new GeoTiffOptions(BlockSize: Block), NodataSource: before, Overlap: grid.TileSize - grid.Stride,
                AlsoNodataIn: twoDates ? [after] : null, MemoryBudget: budget);
            using (var stitcher = new StreamingStitcher(new RasterGrid(Width, Height), windows, options))
            {
                foreach (var w in windows) stitcher.AddScores(w, scores[w.Index]);
                stitcher.Complete();
                scratchBytes = stitcher.PeakScratchBytes;
            }
            Assert.Empty(Directory.GetFiles(dir.Path, "*scratch*", new EnumerationOptions { AttributesToSkip = 0 }));
            using var raster = Raster.Open(path);
            return raster.Read<float>(PixelWindow.Full(Width, Height), [.. Enumerable.Range(1, channels)]);
        }

        var parked = Stitch(budget: 0, out var parkedBytes);
        var inMemory = Stitch(budget: 1L << 30, out var inMemoryBytes);
        Assert.True(parkedBytes > 0, "a zero budget must park blocks");
        Assert.Equal(0, inMemoryBytes);
        var expected = PlainSum(windows, scores, channels, blend, grid.TileSize - grid.Stride, before, twoDates ? after : null);
        AssertSameBits(expected, inMemory);
        AssertSameBits(expected, parked);
    }

    [Fact]
    public void Class_votes_are_the_same_parked_or_in_memory()
    {
        using var dir = new TempDir();
        var windows = WindowGrid.Create(Width, Height, new GridOptions(90, 60));
        var random = new Random(9);
        var ids = windows.Select(w => Enumerable.Range(0, w.OutputWidth * w.OutputHeight).Select(_ => (byte)random.Next(0, 5)).ToArray()).ToList();
        byte[] Stitch(long budget)
        {
            var path = dir.File($"votes-{budget}.tif");
            using (var stitcher = new StreamingStitcher(new RasterGrid(Width, Height), windows,
                       new StitcherOptions(4, BlendMode.Cosine, ClassPath: path, Tiff: new GeoTiffOptions(BlockSize: Block), Overlap: 30, MemoryBudget: budget)))
            {
                foreach (var w in windows) stitcher.AddClassIds(w, ids[w.Index]);   // id 4 carries no vote
                stitcher.Complete();
            }
            using var raster = Raster.Open(path);
            return raster.Read<byte>(PixelWindow.Full(Width, Height), [1]);
        }
        Assert.Equal(Stitch(1L << 30), Stitch(0));
    }

    /// <summary>The accumulators held at once do not grow with the raster's width or height: the budget caps them.</summary>
    [Fact]
    public void Accumulator_memory_is_the_same_for_a_raster_eight_times_wider_or_taller()
    {
        using var dir = new TempDir();
        long budget = 4L << 20;
        (long Memory, long Scratch) Peak(int width, int height)
        {
            var windows = WindowGrid.Create(width, height, new GridOptions(128, 96));
            var tile = new float[2 * 128 * 128];
            using var stitcher = new StreamingStitcher(new RasterGrid(width, height), windows,
                new StitcherOptions(2, ClassPath: dir.File($"bounded-{width}x{height}.tif"), Tiff: new GeoTiffOptions(BlockSize: 128), MemoryBudget: budget));
            foreach (var w in windows) stitcher.AddScores(w, tile);
            stitcher.Complete();
            return (stitcher.PeakBufferedBytes, stitcher.PeakScratchBytes);
        }
        var small = Peak(1000, 600);
        var wide = Peak(8000, 600);
        var tall = Peak(1000, 4800);
        long blockBytes = 3L * 128 * 128 * sizeof(float);
        foreach (var peak in new[] { small, wide, tall }) Assert.InRange(peak.Memory, blockBytes, budget);
        Assert.Equal(small, tall);
        // the full-width frontier of an 8000-pixel row (the old row bands: 2-3 x 18 MiB) does not fit: it waits on disk
        Assert.True(wide.Scratch > 0, "the wide raster's unfinished blocks should have been parked");
    }

    /// <summary>A one-band raster, nodata (0) in a 70 x 50 rectangle at (x, y), 1 elsewhere.</summary>
    private static string Nodata(string path, int x, int y)
    {
        var values = new byte[Width * Height];
        for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
                values[r * Width + c] = (byte)(c >= x && c < x + 70 && r >= y && r < y + 50 ? 0 : 1);
        using var writer = RasterWriter.Create(path, new RasterGrid(Width, Height).ToSpec(1, RasterDataType.Byte, 0));
        writer.Write<byte>(PixelWindow.Full(Width, Height), [1], values);
        writer.Commit();
        return path;
    }

    /// <summary>The reference: whole-raster accumulators, windows in index order, nearest output pixel per source pixel.</summary>
    private static float[] PlainSum(IReadOnlyList<GridWindow> windows, List<float[]> scores, int channels, BlendMode blend, int overlap,
        string nodata, string? otherNodata)
    {
        int plane = Width * Height;
        var sums = new float[channels * plane];
        var weights = new float[plane];
        foreach (var w in windows)
        {
            var wx = BlendWeights.Axis(blend, w.OutputWidth, overlap, w.Source.X > 0, w.Source.Right < Width);
            var wy = BlendWeights.Axis(blend, w.OutputHeight, overlap, w.Source.Y > 0, w.Source.Bottom < Height);
            int windowPlane = w.OutputWidth * w.OutputHeight;
            for (int y = w.Source.Y; y < w.Source.Bottom; y++)
                for (int x = w.Source.X; x < w.Source.Right; x++)
                {
                    int ox = Nearest(x - w.Source.X, w.Source.Width, w.OutputWidth), oy = Nearest(y - w.Source.Y, w.Source.Height, w.OutputHeight);
                    float weight = wy[oy] * wx[ox];
                    for (int c = 0; c < channels; c++) sums[c * plane + y * Width + x] += scores[w.Index][c * windowPlane + oy * w.OutputWidth + ox] * weight;
                    weights[y * Width + x] += weight;
                }
        }
        var valid = ValidMask(nodata);
        if (otherNodata is not null)
        {
            var other = ValidMask(otherNodata);
            for (int p = 0; p < plane; p++) valid[p] &= other[p];
        }
        var result = new float[channels * plane];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                result[c * plane + p] = weights[p] <= 0 || valid[p] == 0 ? float.NaN : sums[c * plane + p] / weights[p];
        return result;
    }

    private static int Nearest(int local, int sourceLength, int outputLength) =>
        sourceLength == outputLength ? local : Math.Min(outputLength - 1, (int)((local + 0.5) * outputLength / sourceLength));

    private static byte[] ValidMask(string path)
    {
        using var raster = Raster.Open(path);
        var mask = new byte[Width * Height];
        raster.ReadValidMask(PixelWindow.Full(Width, Height), [1], mask);
        return mask;
    }

    private static void AssertSameBits(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"value #{i} (band {i / (Width * Height) + 1}, pixel {i % (Width * Height)}): expected {expected[i]:R}, got {actual[i]:R}");
    }
}
