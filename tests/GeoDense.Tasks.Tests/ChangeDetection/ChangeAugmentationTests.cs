using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.Tests.ChangeDetection;

/// <summary>Augmentation moves both dates and the mask together, as the reference does; its extras are off by default.</summary>
public class ChangeAugmentationTests
{
    /// <summary>Before holds each pixel's index, after the index + 1000, the mask the index's parity.</summary>
    static ChangeSample Indexed(int h, int w)
    {
        int n = h * w;
        var before = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        return new ChangeSample(before, before.Select(v => v + 1000).ToArray(), Enumerable.Range(0, n).Select(i => (byte)(i % 2)).ToArray(), 1, h, w);
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(6, 10)]
    public void Both_dates_and_the_mask_move_together_as_a_permutation(int h, int w)
    {
        var augmentation = new ChangeAugmentation(new ChangeAugmentSection());
        var seenTurns = new HashSet<string>();
        for (int it = 0; it < 64; it++)
        {
            var s = augmentation.Apply(Indexed(h, w), new CounterRandom(1, TrainingStream.Augmentation, it));
            Assert.Equal(h * w, s.Before.Length);
            Assert.Equal(Enumerable.Range(0, h * w).Select(i => (float)i), s.Before.Order());           // nothing lost or doubled
            for (int i = 0; i < s.Before.Length; i++)
            {
                Assert.Equal(s.Before[i] + 1000, s.After[i]);
                Assert.Equal((byte)((int)s.Before[i] % 2), s.Label[i]);
            }
            seenTurns.Add($"{s.Height}x{s.Width}:{s.Before[0]},{s.Before[1]}");
        }
        Assert.True(seenTurns.Count >= (h == w ? 8 : 4), $"only {seenTurns.Count} distinct layouts in 64 draws");
    }

    [Fact]
    public void A_quarter_turn_is_numpy_rot90()
    {
        // with no flips and a certain turn, the first draw decides 1, 2 or 3 quarter turns; rot90 once sends row 0's
        // last pixel to the top-left corner
        var once = new ChangeAugmentSection { HorizontalFlip = 0, VerticalFlip = 0, Rotate90 = 1 };
        for (int it = 0; it < 30; it++)
        {
            var s = new ChangeAugmentation(once).Apply(Indexed(3, 3), new CounterRandom(2, TrainingStream.Augmentation, it));
            float[][] expected = [[2, 5, 8, 1, 4, 7, 0, 3, 6], [8, 7, 6, 5, 4, 3, 2, 1, 0], [6, 3, 0, 7, 4, 1, 8, 5, 2]];
            Assert.Contains(expected, e => e.SequenceEqual(s.Before));
        }
    }

    [Fact]
    public void Defaults_are_the_reference_setting_and_extras_stay_off()
    {
        var d = new ChangeAugmentSection();
        Assert.Equal((0.5, 0.5, 0.75, 0, false), (d.HorizontalFlip, d.VerticalFlip, d.Rotate90, d.CropSize, d.Photometric));
        int turned = 0;
        var augmentation = new ChangeAugmentation(new ChangeAugmentSection { HorizontalFlip = 0, VerticalFlip = 0 });
        for (int it = 0; it < 2000; it++)
            if (augmentation.Apply(Indexed(4, 4), new CounterRandom(3, TrainingStream.Augmentation, it)).Before[0] != 0) turned++;
        Assert.InRange(turned / 2000.0, 0.70, 0.80);
    }

    [Fact]
    public void Crops_share_their_place_and_jitter_is_drawn_per_date()
    {
        var options = new ChangeAugmentSection { HorizontalFlip = 0, VerticalFlip = 0, Rotate90 = 0, CropSize = 4, Photometric = true };
        var s = new ChangeAugmentation(options).Apply(Indexed(10, 10), new CounterRandom(4, TrainingStream.Augmentation, 0));
        Assert.Equal((4, 4), (s.Height, s.Width));
        // each date is an affine function of the same pixel indices, with different gains
        double gainBefore = (s.Before[1] - s.Before[0]) / 1.0, gainAfter = (s.After[1] - s.After[0]) / 1.0;
        Assert.NotEqual(gainBefore, gainAfter, 3);
        Assert.Equal((s.Before[4] - s.Before[0]) / 10, gainBefore, 3);   // one row down in the crop is +10 in the index
    }
}
