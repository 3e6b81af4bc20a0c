using GeoDense.Tasks.ChangeDetection;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.ChangeDetection;

public class ChangeMetricsTests
{
    [Fact]
    public void Global_and_per_batch_scores_are_kept_apart()
    {
        var scores = new ChangeScores();
        // batch 1: 8 change pixels, 6 found, 2 false alarms -> P .75 R .75 F1 .75
        scores.AddBatch([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
        // batch 2: one change pixel, missed -> P 0 (nothing predicted) R 0 F1 0
        scores.AddBatch([0, 0, 0, 0], [1, 0, 0, 0]);
        var m = scores.Metrics();
        Assert.Equal(6.0 / 8, m.Precision, 9);
        Assert.Equal(6.0 / 9, m.Recall, 9);
        Assert.Equal(2.0 * 6 / (12 + 2 + 3), m.F1, 9);
        Assert.Equal(6.0 / (6 + 2 + 3), m.IoU, 9);
        Assert.Equal(11.0 / 16, m.OverallAccuracy, 9);
        Assert.Equal((0.75 + 0) / 2, m.BatchMeanF1, 9);
        Assert.Equal((0.75 + 0) / 2, m.BatchMeanPrecision, 9);
        Assert.Equal((16, 9, 2), (m.Pixels, m.ChangedPixels, m.Batches));
        Assert.Equal("F1", m.Scalars[0].Key);
    }

    [Fact]
    public void Dice_loss_is_zero_for_a_confident_correct_prediction_and_adds_to_cross_entropy()
    {
        using var scope = TorchRuntime.NewScope();
        var labels = Tensor.FromArray(new long[] { 0, 1, 1, 0 }, 1, 2, 2);
        var logits = labels.OneHot(2).Permute(0, 3, 1, 2).Float().Mul(40).Sub(20);
        Assert.True(ChangeLoss.Dice(logits, labels).Item<float>() < 1e-4);
        var (total, ce, dice) = ChangeLoss.Compute(logits.Neg(), labels, withDice: true);
        Assert.True(dice!.Item<float>() > 0.9);
        Assert.Equal(ce.Item<float>() + dice.Item<float>(), total.Item<float>(), 4);
        Assert.Null(ChangeLoss.Compute(logits, labels, withDice: false).Dice);
    }

    [Fact]
    public void Synthetic_pairs_change_illumination_everywhere_but_mark_only_buildings()
    {
        var a = SyntheticChangePairs.Generate(64, 64, seed: 4, index: 0);
        Assert.Equal(a.Label, SyntheticChangePairs.Generate(64, 64, seed: 4, index: 0).Label);   // deterministic
        double changed = a.Label.Count(v => v == 1) / (double)a.Label.Length;
        Assert.InRange(changed, 0.01, 0.6);
        // unchanged pixels still differ between the dates (illumination, colour cast, noise)
        int plane = 64 * 64;
        double diff = Enumerable.Range(0, plane).Where(i => a.Label[i] == 0).Average(i => Math.Abs(a.Before[i] - a.After[i]));
        Assert.True(diff > 5, $"mean |before - after| on unchanged pixels is only {diff:F1}");
    }
}
