namespace GeoDense.Geo.Tests;

public class WindowGridTests
{
    [Fact]
    public void StartsStepByStrideAndShiftTheLastToTheEdge()
    {
        Assert.Equal([0, 384, 768, 1152, 1488], WindowGrid.Starts(2000, 512, 384));
        Assert.Equal([0], WindowGrid.Starts(300, 512, 384));
        Assert.Equal([0], WindowGrid.Starts(512, 512, 384));
        Assert.Equal([0, 1], WindowGrid.Starts(513, 512, 384));
        Assert.Equal([0, 256, 512, 744], WindowGrid.Starts(1000, 256, 256));
    }

    [Fact]
    public void PresetsMatchTheReferenceSplits()
    {
        Assert.Equal((512, 384), (GridOptions.Potsdam.TileSize, GridOptions.Potsdam.Stride));
        Assert.Equal((1024, 824), (GridOptions.Dota.TileSize, GridOptions.Dota.Stride));
        Assert.Equal((1024, 524), (GridOptions.DotaMultiScale.TileSize, GridOptions.DotaMultiScale.Stride));
        Assert.Equal([0.5, 1.0, 1.5], GridOptions.DotaMultiScale.EffectiveScales);
        Assert.Equal((256, 256), (GridOptions.Cdd.TileSize, GridOptions.Cdd.Stride));
        // A Potsdam tile is 6000x6000: 16 columns x 16 rows of 512 crops.
        var grid = WindowGrid.Create(6000, 6000, GridOptions.Potsdam);
        Assert.Equal(256, grid.Count);
        Assert.Equal(new PixelWindow(5488, 5488, 512, 512), grid[^1].Source);
    }

    [Fact]
    public void EveryPixelIsCoveredAndNoWindowLeavesTheRasterForRandomGrids()
    {
        var random = new Random(1234);
        for (int trial = 0; trial < 300; trial++)
        {
            int tile = random.Next(1, 80), stride = random.Next(1, tile + 1);
            int width = random.Next(tile, 400), height = random.Next(tile, 300);
            var grid = WindowGrid.Create(width, height, new GridOptions(tile, stride));
            var covered = new bool[height, width];
            foreach (var w in grid)
            {
                Assert.True(PixelWindow.Full(width, height).Contains(w.Source), $"{w.Source} leaves {width}x{height} (tile {tile}, stride {stride})");
                Assert.Equal((tile, tile), (w.Source.Width, w.Source.Height));
                for (int y = w.Source.Y; y < w.Source.Bottom; y++)
                    for (int x = w.Source.X; x < w.Source.Right; x++) covered[y, x] = true;
            }
            foreach (var c in covered) Assert.True(c, $"a pixel of {width}x{height} is missed (tile {tile}, stride {stride})");
            Assert.Equal(grid.Count, grid.Select(w => w.Source).Distinct().Count());
        }
    }

    [Fact]
    public void SmallRastersGetOnePaddedWindowOrAShrunkOne()
    {
        var padded = WindowGrid.Create(300, 200, GridOptions.Potsdam);
        Assert.Equal([new PixelWindow(0, 0, 512, 512)], padded.Select(w => w.Source));
        var shrunk = WindowGrid.Create(300, 200, GridOptions.Potsdam with { PadSmallRasters = false });
        Assert.Equal([new PixelWindow(0, 0, 300, 200)], shrunk.Select(w => w.Source));
        Assert.Equal((300, 200), (shrunk[0].OutputWidth, shrunk[0].OutputHeight));
        // Padded in one direction only.
        var strip = WindowGrid.Create(2000, 100, GridOptions.Potsdam);
        Assert.All(strip, w => Assert.Equal(0, w.Source.Y));
        Assert.Equal(5, strip.Count);
    }

    [Fact]
    public void DotaMultiScaleGridsCoverEachRescaledImage()
    {
        var grid = WindowGrid.Create(3000, 2500, GridOptions.DotaMultiScale);
        foreach (var scale in new[] { 0.5, 1.0, 1.5 })
        {
            var windows = grid.Where(w => w.Scale == scale).ToList();
            int sw = (int)Math.Round(3000 * scale), sh = (int)Math.Round(2500 * scale);
            var columns = WindowGrid.Starts(sw, 1024, 524);
            var rows = WindowGrid.Starts(sh, 1024, 524);
            Assert.Equal(columns.Count * rows.Count, windows.Count);
            Assert.All(windows, w => Assert.Equal((1024, 1024), (w.OutputWidth, w.OutputHeight)));
            Assert.Contains(windows, w => w.Left == columns[^1] && w.Top == rows[^1]);
            Assert.All(windows, w => Assert.True(PixelWindow.Full(3000, 2500).Contains(w.Source), $"{w.Source} at {scale}"));
        }
        var half = grid.First(w => w.Scale == 0.5);
        Assert.Equal(new PixelWindow(0, 0, 2048, 2048), half.Source);
        var onePointFive = grid.Last(w => w.Scale == 1.5);
        Assert.Equal(3000, onePointFive.Source.Right);
        Assert.Equal(683, onePointFive.Source.Width);
        Assert.Equal(Enumerable.Range(0, grid.Count), grid.Select(w => w.Index));
    }

    [Fact]
    public void AllNodataWindowsAreSkipped()
    {
        using var dir = new TempDir();
        var path = dir.File("border.tif");
        // Columns 0..299 are nodata: windows starting at 0 and 128 (tile 128) hold no valid pixel.
        SyntheticScene.Write(path, new SyntheticSceneOptions(600, 256, Bands: 2, NoData: 0, NoDataBorder: 300));
        using var raster = Raster.Open(path);
        var options = new GridOptions(128, 128, SkipNodata: true);
        var all = WindowGrid.Create(raster.Width, raster.Height, options);
        var kept = WindowGrid.Create(raster, options);
        Assert.Equal(10, all.Count);
        Assert.Equal([256, 384, 472], kept.Select(w => w.Source.X).Distinct());
        Assert.Equal(Enumerable.Range(0, kept.Count), kept.Select(w => w.Index));
    }

    [Fact]
    public void DotaPatchNamesMatchTheDevkit()
    {
        var grid = WindowGrid.Create(3000, 2500, GridOptions.DotaMultiScale);
        Assert.Equal("P0001__0.5__0___0", grid[0].DotaPatchName("P0001"));
        var full = grid.First(w => w.Scale == 1.0 && w.Left > 0 && w.Top > 0);
        Assert.Equal($"P0001__1.0__{full.Left}___{full.Top}", full.DotaPatchName("P0001"));
        Assert.Equal("P0001__1.5__3476___2726", grid[^1].DotaPatchName("P0001"));
    }

    [Fact]
    public void InvalidStrideIsRejected()
    {
        Assert.Throws<ArgumentException>(() => WindowGrid.Create(100, 100, new GridOptions(64, 65)));
        Assert.Throws<ArgumentException>(() => WindowGrid.Create(100, 100, new GridOptions(64, 0)));
    }
}
