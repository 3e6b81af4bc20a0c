using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Tests.Detection;

public class DotaMergerTests
{
    [Fact]
    public void Patch_names_parse_as_DOTA_devkit_writes_them()
    {
        Assert.Equal(new DotaPatchName("P0001", 1.0, 824, 0), DotaPatchName.TryParse("P0001__1.0__824___0"));
        Assert.Equal(new DotaPatchName("my__odd_name", 0.5, 0, 1648), DotaPatchName.TryParse("my__odd_name__0.5__0___1648"));
        Assert.Null(DotaPatchName.TryParse("P0001"));
        Assert.Equal(new Quad(110, 220, 130, 220, 130, 240, 110, 240),
            new DotaPatchName("P", 0.5, 50, 100).ToImage(new Quad(5, 10, 15, 10, 15, 20, 5, 20)));
    }

    [Fact]
    public void Detections_of_overlapping_patches_merge_to_one_per_object_and_class()
    {
        var box = new Quad(10, 10, 50, 10, 50, 30, 10, 30);
        var patches = new Dictionary<string, List<Task1Detection>>
        {
            // the same plane seen by two patches (824 apart), a ship on top of it, and a half-scale patch
            ["plane"] = [new("P1__1.0__0___0", 0.9, box.Transform(1, 830, 1, 0)), new("P1__1.0__824___0", 0.8, box.Transform(1, 6, 1, 0)),
                         new("P1__0.5__0___0", 0.7, new Quad(100, 100, 120, 100, 120, 110, 100, 110))],
            ["ship"] = [new("P1__1.0__824___0", 0.6, box.Transform(1, 6, 1, 0))],
            ["harbor"] = [],
        };
        var merged = DotaMerger.Merge(patches, 0.5);
        Assert.Equal(["harbor", "plane", "ship"], merged.Keys.Order());
        Assert.Empty(merged["harbor"]);
        Assert.Equal(2, merged["plane"].Count);
        Assert.Equal(new Task1Detection("P1", 0.9f, box.Transform(1, 830, 1, 0)), merged["plane"][0]);
        Assert.Equal(new Quad(200, 200, 240, 200, 240, 220, 200, 220), merged["plane"][1].Polygon);
        Assert.Single(merged["ship"]);   // NMS is per class
    }

    [Fact]
    public void An_image_level_name_is_refused()
    {
        var e = Assert.Throws<DotaFormatException>(() => DotaMerger.Merge(
            new Dictionary<string, List<Task1Detection>> { ["plane"] = [new("P0001", 0.5, new Quad(0, 0, 1, 0, 1, 1, 0, 1))] }, 0.1));
        Assert.Contains("'P0001' is not a patch name", e.Message);
    }
}
