using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class ConfusionMatrixTests
{
    [Fact]
    public void Scores_match_hand_computed_values_and_skip_ignored_labels()
    {
        var m = new ConfusionMatrix(3);
        byte[] labels = [0, 0, 0, 1, 1, 2, 5, 5];
        byte[] preds = [0, 0, 1, 1, 2, 2, 0, 1];
        m.Add(preds, labels);
        var r = m.Metrics(["a", "b", "c"]);
        Assert.Equal(6, r.Pixels);
        Assert.Equal(4.0 / 6, r.OverallAccuracy, 12);
        // a: tp 2, fn 1, fp 0 -> IoU 2/3, F1 0.8; b: tp 1, fn 1, fp 1 -> IoU 1/3, F1 0.5; c: tp 1, fp 1 -> IoU 1/2, F1 2/3
        Assert.Equal(2.0 / 3, r.PerClass[0].IoU, 12);
        Assert.Equal(0.8, r.PerClass[0].F1, 12);
        Assert.Equal(1.0 / 3, r.PerClass[1].IoU, 12);
        Assert.Equal(0.5, r.PerClass[1].F1, 12);
        Assert.Equal(0.5, r.PerClass[2].IoU, 12);
        Assert.Equal((2.0 / 3 + 1.0 / 3 + 0.5) / 3, r.MeanIoU, 12);
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, r.MeanF1, 12);
        Assert.Contains("mIoU 50.00", r.ToTable());
    }

    [Fact]
    public void Classes_without_labels_are_left_out_of_the_means()
    {
        var m = new ConfusionMatrix(2);
        m.Add([0, 0, 1], [0, 0, 0]);
        var r = m.Metrics(["x", "y"]);
        Assert.True(double.IsNaN(r.PerClass[1].IoU));
        Assert.Equal(2.0 / 3, r.MeanIoU, 12);
    }
}
