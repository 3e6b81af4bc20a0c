using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Tests.Detection;

public class DotaPatchesTests
{
    static readonly float[] Mean = [123.675f, 116.28f, 103.53f];

    [Fact]
    public void A_png_is_cut_on_the_fly_with_objects_in_window_coordinates_and_mean_colour_padding()
    {
        var dir = Directory.CreateTempSubdirectory("dotapatch").FullName;
        try
        {
            var image = Path.Combine(dir, "P0001.png");
            SyntheticDota.WritePng(image, 300, 180, [new SyntheticDota.Thing(0, 150, 20, 30, 10)]);
            var labels = new DotaLabels(null, null, [new DotaObject(new Quad(150, 20, 180, 20, 180, 30, 150, 30), "red-thing", false)]);
            var options = new DotaPatchOptions(GridOptions.FromGap(200, 50), Mean);
            var patches = DotaPatches.Enumerate(image, labels, options).ToList();

            // columns 0 and 100 (the last shifted to the edge); 180 rows < 200: one padded row of windows
            Assert.Equal(["P0001__1.0__0___0", "P0001__1.0__100___0"], patches.Select(p => p.Name("P0001")));
            Assert.Equal(new Quad(150, 20, 180, 20, 180, 30, 150, 30), Assert.Single(patches[0].Objects).Polygon);
            Assert.Equal(new Quad(50, 20, 80, 20, 80, 30, 50, 30), Assert.Single(patches[1].Objects).Polygon);
            var second = patches[1];
            int plane = 200 * 200;
            Assert.Equal(250f, second.Pixels[0 * plane + 25 * 200 + 60]);           // the red object at (160, 25) of the image
            Assert.Equal(Mean[2], second.Pixels[2 * plane + 190 * 200 + 10]);     // below the image: the mean colour, per band
            Assert.Equal(Mean[0], second.Pixels[0 * plane + 190 * 200 + 10]);
            using var tensor = second.ToTensor();
            Assert.Equal([3L, 200, 200], tensor.Shape);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Multi_scale_windows_are_resized_and_named_by_rate()
    {
        var dir = Directory.CreateTempSubdirectory("dotams").FullName;
        try
        {
            var image = Path.Combine(dir, "P0002.png");
            SyntheticDota.WritePng(image, 400, 400, [new SyntheticDota.Thing(1, 100, 100, 40, 20)]);
            var labels = new DotaLabels(null, null, [new DotaObject(new SyntheticDota.Thing(1, 100, 100, 40, 20).Polygon, "green-thing", true)]);
            var options = new DotaPatchOptions(GridOptions.FromGap(200, 100) with { Scales = [0.5] }, Mean, SkipEmpty: true);
            var patch = Assert.Single(DotaPatches.Enumerate(image, labels, options));
            Assert.Equal("P0002__0.5__0___0", patch.Name("P0002"));
            Assert.Equal((200, 200), (patch.Width, patch.Height));
            var o = Assert.Single(patch.Objects);
            Assert.Equal(new Quad(50, 50, 70, 50, 70, 60, 50, 60), o.Polygon);
            Assert.True(o.Difficult);
            Assert.Equal(250f, patch.Pixels[1 * 200 * 200 + 55 * 200 + 60], 0);   // green, read at half size
        }
        finally { Directory.Delete(dir, true); }
    }
}
