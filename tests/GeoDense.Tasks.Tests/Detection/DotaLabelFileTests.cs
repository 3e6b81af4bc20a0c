using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Tests.Detection;

public class DotaLabelFileTests
{
    [Fact]
    public void Reads_headers_objects_and_the_difficult_flag()
    {
        var labels = DotaLabelFile.Parse([
            "imagesource:GoogleEarth", "gsd:0.146343590398",
            "2753 2408 2861 2385 2888 2468 2805 2502 plane 0",
            "1.5 2 3 4 5 6 7 8 small-vehicle 1",
            "",
            "10 20 30 40 50 60 70 80 harbor",
        ], "P0001.txt");
        Assert.Equal("GoogleEarth", labels.ImageSource);
        Assert.Equal(0.146343590398, labels.Gsd);
        Assert.Equal(3, labels.Objects.Count);
        Assert.Equal(new DotaObject(new Quad(2753, 2408, 2861, 2385, 2888, 2468, 2805, 2502), "plane", false), labels.Objects[0]);
        Assert.True(labels.Objects[1].Difficult);
        Assert.Equal(1.5, labels.Objects[1].Polygon.X1);
        Assert.False(labels.Objects[2].Difficult);   // no flag: DOTA_devkit reads 0
    }

    [Fact]
    public void Gsd_null_means_unknown()
    {
        Assert.Null(DotaLabelFile.Parse(["imagesource:GF2", "gsd:null"], "a.txt").Gsd);
    }

    [Theory]
    [InlineData("1 2 3 4 5 6 7 plane 0", "P7.txt:2: coordinate 8 'plane' is not a number")]
    [InlineData("1 2 3 4 5 6 7 8", "P7.txt:2: expected 'x1 y1 x2 y2 x3 y3 x4 y4 class difficult', got 8 field(s)")]
    [InlineData("1 2 3 x 5 6 7 8 plane 0", "P7.txt:2: coordinate 4 'x' is not a number")]
    [InlineData("1 2 3 4 5 6 7 8 plane 2", "P7.txt:2: difficult flag '2' must be 0 or 1")]
    [InlineData("1 2 3 4 5 6 7 8 plane 0 extra", "P7.txt:2: expected 'x1 y1 x2 y2 x3 y3 x4 y4 class difficult', got 11 field(s)")]
    public void A_malformed_line_is_one_file_line_error(string line, string message)
    {
        var e = Assert.Throws<DotaFormatException>(() => DotaLabelFile.Parse(["0 0 1 0 1 1 0 1 ship 0", line], "P7.txt"));
        Assert.StartsWith(message, e.Message);
        Assert.IsAssignableFrom<InputException>(e);
    }

    [Fact]
    public void Format_reads_back_to_the_same_labels()
    {
        var labels = new DotaLabels("GoogleEarth", 0.5, [
            new DotaObject(new Quad(0.25, 1, 2, 3, 4, 5, 6, 7), "ship", true),
            new DotaObject(new Quad(10, 11, 12, 13, 14, 15, 16, 17), "plane", false)]);
        var back = DotaLabelFile.Parse(DotaLabelFile.Format(labels).Split('\n'), "x.txt");
        Assert.Equal(labels.ImageSource, back.ImageSource);
        Assert.Equal(labels.Gsd, back.Gsd);
        Assert.Equal(labels.Objects, back.Objects);
    }
}
