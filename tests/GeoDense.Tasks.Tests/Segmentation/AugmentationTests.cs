using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class AugmentationTests
{
    static SegmentationSample Ramp(int h, int w)
    {
        var image = new float[3 * h * w];
        var labels = new byte[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                for (int b = 0; b < 3; b++) image[b * h * w + y * w + x] = x + 100 * b;
                labels[y * w + x] = (byte)(x < w / 2 ? 0 : 1);
            }
        return SegmentationSample.Create(3, h, w, image, labels);
    }

    [Fact]
    public void Flip_mirrors_pixels_and_labels()
    {
        var s = Augmenter.FlipHorizontal(Ramp(2, 4));
        Assert.Equal(3f, s.Image[0]);
        Assert.Equal(103f, s.Image[8]);
        Assert.Equal(new byte[] { 1, 1, 0, 0, 1, 1, 0, 0 }, s.Labels);
    }

    [Fact]
    public void Resize_is_bilinear_with_half_pixel_centres_and_nearest_for_labels()
    {
        var s = Augmenter.Resize(Ramp(4, 4), 8, 8);
        // output x=3 samples input x = (3.5 * 0.5) - 0.5 = 1.25
        Assert.Equal(1.25f, s.Image[3], 5);
        Assert.Equal(0f, s.Image[0], 5);
        Assert.Equal(3f, s.Image[7], 5);
        Assert.Equal(0, s.Labels[3]);
        Assert.Equal(1, s.Labels[4]);
    }

    [Fact]
    public void Pad_fills_pixels_with_zero_and_labels_with_ignore()
    {
        var s = Augmenter.Pad(Ramp(2, 3), 4, ignore: 5);
        Assert.Equal((4, 4), (s.Height, s.Width));
        Assert.Equal(2f, s.Image[2]);
        Assert.Equal(0f, s.Image[3]);
        Assert.Equal(5, s.Labels[3]);
        Assert.Equal(5, s.Labels[15]);
    }

    [Fact]
    public void Full_pipeline_yields_normalised_crops_of_the_crop_size()
    {
        var options = new AugmentationOptions(ResizeBase: 64, CropSize: 48);
        var aug = new Augmenter(options, [1f, 2f, 3f], [2f, 2f, 2f], ignoreIndex: 5);
        var rng = new Random(1);
        for (int i = 0; i < 20; i++)
        {
            var s = aug.Apply(Ramp(64, 64), rng);
            Assert.Equal((48, 48), (s.Height, s.Width));
            Assert.All(s.Labels, l => Assert.True(l is 0 or 1 or 5));
            Assert.True(s.Image.Max() < 200);
        }
    }

    [Fact]
    public void Random_crop_avoids_crops_dominated_by_one_class_when_it_can()
    {
        // class 0 everywhere but a class-1 stripe at the right edge
        int h = 32, w = 320;
        var labels = new byte[h * w];
        for (int y = 0; y < h; y++) for (int x = 256; x < w; x++) labels[y * w + x] = 1;
        var s = SegmentationSample.Create(3, h, w, new float[3 * h * w], labels);
        int Balanced(double catMaxRatio)
        {
            var aug = new Augmenter(new AugmentationOptions(ResizeBase: 320, MinScale: 1, MaxScale: 1, CropSize: 64,
                CatMaxRatio: catMaxRatio, FlipProbability: 0, PhotometricDistortion: false), [0, 0, 0], [1, 1, 1], 5);
            var rng = new Random(7);
            int balanced = 0;
            for (int i = 0; i < 200; i++)
                if (aug.Apply(s, rng).Labels.Count(l => l == 1) > 16 * 32) balanced++;
            return balanced;
        }
        // uniform positions give a balanced crop 1 time in 8; ten retries give it about 3 times in 4
        int plain = Balanced(1.0), retried = Balanced(0.75);
        Assert.InRange(plain, 10, 45);
        Assert.InRange(retried, 120, 180);
    }
}
