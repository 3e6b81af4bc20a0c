namespace GeoDense.Geo.Tests;

/// <summary>NaN in a float raster is nodata whether or not the file declares a nodata value (or declares another one).</summary>
public class NanNodataTests
{
    private const int Width = 128, Height = 96;

    /// <summary>
    /// A float32 GeoTIFF written by GDAL: rows 0..31 are NaN (a whole row of 32-pixel tiles), columns 80..89 are a NaN
    /// stripe, and, when <paramref name="declaredNoData"/> is set, columns 0..9 of the other rows hold that value.
    /// </summary>
    private static string MakeStriped(TempDir dir, double? declaredNoData, out bool[] invalid)
    {
        var path = dir.File(declaredNoData is null ? "nan-stripes.tif" : "nan-and-nodata.tif");
        var values = new float[Width * Height];
        invalid = new bool[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int p = y * Width + x;
                if (y < 32 || x is >= 80 and < 90) { values[p] = float.NaN; invalid[p] = true; }
                else if (declaredNoData is { } nd && x < 10) { values[p] = (float)nd; invalid[p] = true; }
                else values[p] = 1 + (x + y) % 7;
            }
        using var writer = RasterWriter.Create(path, new RasterSpec(Width, Height, 1, RasterDataType.Float32,
            GeoTransform.NorthUp(400_000, 5_800_000, 0.5), SpatialReference.FromEpsg(32633), NoData: declaredNoData));
        writer.Write<float>(PixelWindow.Full(Width, Height), [1], values);
        writer.Commit();
        return path;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-9999.0)]
    public void ValidMaskIsZeroExactlyOnNaNAndDeclaredNodata(double? declaredNoData)
    {
        using var dir = new TempDir();
        using var raster = Raster.Open(MakeStriped(dir, declaredNoData, out var invalid));
        Assert.Equal(declaredNoData, raster.Band(1).NoData);
        Assert.False(raster.AllValid([1]));
        var mask = new byte[Width * Height];
        raster.ReadValidMask(PixelWindow.Full(Width, Height), [1], mask);
        for (int p = 0; p < mask.Length; p++)
            Assert.True(mask[p] == (invalid[p] ? 0 : 1), $"pixel ({p % Width}, {p / Width}) should be {(invalid[p] ? "nodata" : "valid")}");
    }

    [Fact]
    public void GridSkipsWindowsThatAreAllNaN()
    {
        using var dir = new TempDir();
        using var raster = Raster.Open(MakeStriped(dir, null, out _));
        var options = new GridOptions(32, 32, SkipNodata: true);
        var all = WindowGrid.Create(Width, Height, options);
        var kept = WindowGrid.Create(raster, options);
        Assert.Equal(all.Count - Width / 32, kept.Count); // the top row of tiles is NaN only
        Assert.All(kept, w => Assert.True(w.Source.Y >= 32, $"{w.Source} is all NaN"));
    }

    [Fact]
    public void TilerHandsThePadValueInsteadOfNaN()
    {
        using var dir = new TempDir();
        var path = MakeStriped(dir, null, out var invalid);
        var windows = WindowGrid.Create(Width, Height, new GridOptions(64, 48));
        int padded = 0;
        foreach (var batch in Tiler.ReadBatches(path, windows, new TilerOptions(BatchSize: 3, PadValue: -7)))
            using (batch)
                for (int i = 0; i < batch.Count; i++)
                {
                    var source = batch.Windows[i].Source;
                    var tile = batch.Tile(i);
                    for (int y = 0; y < source.Height; y++)
                        for (int x = 0; x < source.Width; x++)
                        {
                            var v = tile[y * batch.Width + x];
                            Assert.False(float.IsNaN(v), $"NaN reached the model at ({source.X + x}, {source.Y + y})");
                            bool nan = invalid[(source.Y + y) * Width + source.X + x];
                            Assert.Equal(nan, v == -7);
                            if (nan) padded++;
                        }
                }
        Assert.True(padded > 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-9999.0)]
    public void StitchedClassMapIsNodataExactlyWhereTheInputIsNaNOrNodata(double? declaredNoData)
    {
        using var dir = new TempDir();
        var input = MakeStriped(dir, declaredNoData, out var invalid);
        var output = dir.File("classes.tif");
        using (var source = Raster.Open(input))
        {
            var windows = WindowGrid.Create(source, new GridOptions(64, 48, SkipNodata: true));
            using var stitcher = StreamingStitcher.ForRaster(source, windows, new StitcherOptions(2, BlendMode.Average, output));
            var scores = new float[2 * 64 * 64];
            Array.Fill(scores, 0.25f, 0, 64 * 64);
            Array.Fill(scores, 0.75f, 64 * 64, 64 * 64);
            foreach (var w in windows) stitcher.AddScores(w, scores); // class 1 wins wherever a window voted
            stitcher.Complete();
        }
        using var classes = Raster.Open(output);
        var ids = classes.Read<byte>(PixelWindow.Full(Width, Height), [1]);
        Assert.Equal(invalid.Count(x => x), ids.Count(v => v == 255));
        for (int p = 0; p < ids.Length; p++)
            Assert.True(ids[p] == (invalid[p] ? 255 : 1), $"pixel ({p % Width}, {p / Width}) is {ids[p]}");
    }
}
