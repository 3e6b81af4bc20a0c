namespace GeoDense.Geo.Tests;

/// <summary>Two overlapping windows that disagree completely: each blend mode resolves the overlap its own way.</summary>
public class BlendModeTests
{
    // a 16-pixel wide strip, windows of 10 at x = 0 and x = 6 (overlap 4: columns 6..9)
    static float[] BlendedRow(BlendMode blend)
    {
        var dir = Directory.CreateTempSubdirectory("blend-").FullName;
        try
        {
            var windows = new[]
            {
                new GridWindow(0, new PixelWindow(0, 0, 10, 4), 10, 4, 1.0, 0, 0),
                new GridWindow(1, new PixelWindow(6, 0, 10, 4), 10, 4, 1.0, 6, 0),
            };
            var path = Path.Combine(dir, "p.tif");
            using (var stitcher = new StreamingStitcher(new RasterGrid(16, 4), windows,
                       new StitcherOptions(1, blend, ProbabilityPath: path, Overlap: 4)))
            {
                stitcher.AddScores(windows[0], Enumerable.Repeat(1f, 40).ToArray());   // left window says 1
                stitcher.AddScores(windows[1], new float[40]);                          // right window says 0
                stitcher.Complete();
            }
            using var raster = Raster.Open(path);
            return raster.Read<float>(new PixelWindow(0, 1, 16, 1), [1]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Each_blend_mode_weighs_an_overlap_differently()
    {
        var average = BlendedRow(BlendMode.Average);
        var crop = BlendedRow(BlendMode.Crop);
        var linear = BlendedRow(BlendMode.Linear);
        var cosine = BlendedRow(BlendMode.Cosine);

        // outside the overlap every mode gives the one window's value
        foreach (var row in new[] { average, crop, linear, cosine })
        {
            Assert.Equal(1f, row[0]);
            Assert.Equal(0f, row[15]);
        }
        // average: the plain mean across the whole overlap
        Assert.All(average[6..10], v => Assert.Equal(0.5f, v, 6));
        // crop: a hard seam in the middle of the overlap (dropped margins keep a tiny weight so no pixel goes empty)
        Assert.All(crop[6..8], v => Assert.Equal(1f, v, 5));
        Assert.All(crop[8..10], v => Assert.Equal(0f, v, 5));
        // linear and cosine: monotone ramps from the left window to the right one, symmetric about the centre
        foreach (var ramp in new[] { linear, cosine })
        {
            for (int x = 6; x < 9; x++) Assert.True(ramp[x] > ramp[x + 1], $"not decreasing at {x}: {string.Join(", ", ramp)}");
            Assert.Equal(1f, ramp[6] + ramp[9], 5);
            Assert.InRange(ramp[6], 0.5f, 0.999f);
        }
        // and the two ramps differ in shape
        Assert.NotEqual(linear[6], cosine[6], 3);
    }
}
