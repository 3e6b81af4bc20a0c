using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;

namespace GeoDense.Tasks.Tests.ChangeDetection;

/// <summary>The change datasets read from files in their distributed formats (PNG, JPEG, GeoTIFF, written through GDAL).</summary>
public class ChangeDataTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("change-data").FullName;
    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public void Cdd_png_pairs_read_back_as_generated()
    {
        var split = Path.Combine(root, "CDD", "train");
        SyntheticChangePairs.WriteCdd(split, count: 3, size: 48, seed: 7);
        var pairs = ChangeData.Find("cdd", split);
        Assert.Equal(3, pairs.Count);
        for (int i = 0; i < 3; i++)
        {
            var generated = SyntheticChangePairs.Generate(48, 48, seed: 7, index: i);
            var sample = ChangeSample.Read(pairs[i], [1, 2, 3]);
            Assert.Equal((3, 48, 48), (sample.Bands, sample.Height, sample.Width));
            Assert.Equal(generated.Label, sample.Label);
            Assert.Equal(generated.Before.Select(v => (float)v), sample.Before);
            Assert.Equal(generated.After.Select(v => (float)v), sample.After);
        }
    }

    [Fact]
    public void Cdd_jpeg_masks_keep_their_change_pixels()
    {
        var split = Path.Combine(root, "train");
        SyntheticChangePairs.WriteCdd(split, count: 2, size: 64, seed: 8, extension: "jpg");
        var pairs = ChangeData.Find("cdd", split);
        Assert.All(pairs, p => Assert.EndsWith(".jpg", p.Label));
        var generated = SyntheticChangePairs.Generate(64, 64, seed: 8, index: 1);
        var sample = ChangeSample.Read(pairs[1], [1, 2, 3]);
        Assert.Contains(sample.Label, v => v == 1);
        int agree = generated.Label.Zip(sample.Label).Count(p => p.First == p.Second);
        Assert.True(agree >= 0.99 * sample.Label.Length, $"{agree} of {sample.Label.Length} mask pixels survive JPEG");
    }

    [Fact]
    public void Levir_cd_reads_A_B_and_label()
    {
        var split = Path.Combine(root, "LEVIR-CD", "test");
        SyntheticChangePairs.WriteCdd(split, count: 2, size: 32, seed: 9);
        Directory.Move(Path.Combine(split, "OUT"), Path.Combine(split, "label"));
        var pairs = ChangeData.Find("levir-cd", split);
        Assert.Equal(Path.Combine(split, "label", "00001.png"), pairs[1].Label);
        Assert.Equal(SyntheticChangePairs.Generate(32, 32, 9, 1).Label, ChangeSample.Read(pairs[1], [1, 2, 3]).Label);
        var e = Assert.Throws<ChangeInputException>(() => ChangeData.Find("cdd", split));
        Assert.Contains("no OUT/ folder", e.Message);
    }

    [Fact]
    public void Geotiff_pairs_take_any_non_zero_mask_value_as_change()
    {
        var split = Path.Combine(root, "pairs");
        foreach (var d in new[] { "before", "after", "change" }) Directory.CreateDirectory(Path.Combine(split, d));
        var spec = new RasterSpec(20, 10, 3, RasterDataType.UInt16, GeoTransform.NorthUp(500_000, 4_000_000, 1), SpatialReference.FromEpsg(32633));
        var image = Enumerable.Range(0, 600).Select(i => (ushort)(i * 7)).ToArray();
        foreach (var d in new[] { "before", "after" })
            using (var w = RasterWriter.Create(Path.Combine(split, d, "site.tif"), spec)) { w.Write<ushort>(new PixelWindow(0, 0, 20, 10), [1, 2, 3], image); w.Commit(); }
        var mask = Enumerable.Range(0, 200).Select(i => (byte)(i % 3)).ToArray();   // 0, 1, 2: two of three are change
        using (var w = RasterWriter.Create(Path.Combine(split, "change", "site.tif"), spec with { BandCount = 1, DataType = RasterDataType.Byte }))
        { w.Write<byte>(new PixelWindow(0, 0, 20, 10), [1], mask); w.Commit(); }

        var sample = ChangeSample.Read(Assert.Single(ChangeData.Find("geotiff-pairs", split)), [3, 1]);
        Assert.Equal(mask.Select(v => v == 0 ? (byte)0 : (byte)1), sample.Label);
        Assert.Equal(2, sample.Bands);
        Assert.Equal(image[400], sample.Before[0]);   // band 3 first, as the pipeline lists it
        var e = Assert.Throws<ChangeInputException>(() => ChangeSample.Read(ChangeData.Find("geotiff-pairs", split)[0], [1, 4]));
        Assert.Contains("has 3 band(s)", e.Message);
    }

    [Fact]
    public void A_missing_partner_or_a_size_mismatch_is_named()
    {
        var split = Path.Combine(root, "cdd");
        SyntheticChangePairs.WriteCdd(split, count: 2, size: 32, seed: 1);
        File.Delete(Path.Combine(split, "B", "00001.png"));
        var e = Assert.Throws<ChangeInputException>(() => ChangeData.Find("cdd", split));
        Assert.Equal($"{Path.Combine(split, "A", "00001.png")}: no image of the same name in {Path.Combine(split, "B")}; every before image needs its after image", e.Message);

        SyntheticChangePairs.WriteCdd(Path.Combine(root, "big"), count: 1, size: 40, seed: 1);
        File.Copy(Path.Combine(root, "big", "B", "00000.png"), Path.Combine(split, "B", "00000.png"), overwrite: true);
        File.Delete(Path.Combine(split, "A", "00001.png"));
        var pair = Assert.Single(ChangeData.Find("cdd", split));
        e = Assert.Throws<ChangeInputException>(() => ChangeSample.Read(pair, [1, 2, 3]));
        Assert.Contains("40x40, but", e.Message);
    }

    [Fact]
    public void The_dataset_top_folder_is_pointed_to_its_splits()
    {
        SyntheticChangePairs.WriteCdd(Path.Combine(root, "CDD", "val"), count: 1, size: 32, seed: 1);
        var e = Assert.Throws<ChangeInputException>(() => ChangeData.Find("cdd", Path.Combine(root, "CDD")));
        Assert.Contains("point the data root at one split", e.Message);
    }
}
