using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class SyntheticTownTests
{
    [Fact]
    public void Scene_has_every_class_and_is_deterministic()
    {
        var scene = SyntheticTown.Generate(600, 500, seed: 3);
        var (r, g, b, c) = scene.RenderAll();
        var counts = new int[6];
        foreach (var k in c) counts[k]++;
        for (int k = 0; k < 5; k++) Assert.True(counts[k] > 100, $"class {k} has only {counts[k]} pixels");
        var again = SyntheticTown.Generate(600, 500, seed: 3).RenderAll();
        Assert.Equal(c, again.Classes);
        Assert.Equal(r, again.Red);
        Assert.NotEqual(c, SyntheticTown.Generate(600, 500, seed: 4).RenderAll().Classes);
    }

    [Fact]
    public void A_window_renders_the_same_pixels_as_the_whole_scene()
    {
        var scene = SyntheticTown.Generate(400, 300, seed: 9);
        var all = scene.RenderAll();
        int x0 = 117, y0 = 201, w = 150, h = 80;
        var (r, g, b, c) = (new byte[w * h], new byte[w * h], new byte[w * h], new byte[w * h]);
        scene.Render(x0, y0, w, h, r, g, b, c);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                Assert.Equal(all.Classes[(y0 + y) * 400 + x0 + x], c[y * w + x]);
                Assert.Equal(all.Green[(y0 + y) * 400 + x0 + x], g[y * w + x]);
            }
    }

    [Fact]
    public void No_boundary_labels_ignore_pixels_next_to_another_class_only()
    {
        byte[] classes = [0, 0, 0, 1, 1, 1,
                          0, 0, 0, 1, 1, 1];
        var eroded = SyntheticTown.EraseBoundaries(classes, 6, 2, radius: 1, ignore: 5);
        Assert.Equal(new byte[] { 0, 0, 5, 5, 1, 1, 0, 0, 5, 5, 1, 1 }, eroded);
    }
}
