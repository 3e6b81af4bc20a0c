using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>The official evaluation's conventions, one small case each.</summary>
public class DotaEvaluationTests
{
    static readonly Quad Square = new(0, 0, 10, 0, 10, 10, 0, 10);

    static DotaClassAp Score(IReadOnlyList<DotaObject> truth, params Task1Detection[] detections) =>
        DotaEvaluation.EvaluateClass(new Dictionary<string, DotaLabels> { ["P1"] = new(null, null, truth) }, detections, "ship");

    [Fact]
    public void A_match_needs_an_iou_strictly_above_one_half()
    {
        var half = new Quad(0, 0, 10, 0, 10, 5, 0, 5);                // IoU exactly 0.5
        var more = new Quad(0, 0, 10, 0, 10, 5.1, 0, 5.1);
        Assert.Equal(0, Score([new(Square, "ship", false)], new Task1Detection("P1", 0.9, half)).TruePositives);
        Assert.Equal(1, Score([new(Square, "ship", false)], new Task1Detection("P1", 0.9, more)).TruePositives);
    }

    [Fact]
    public void A_difficult_match_counts_neither_way_and_a_second_match_is_a_false_positive()
    {
        var hard = new Quad(100, 100, 110, 100, 110, 110, 100, 110);
        // ranked: difficult hit (ignored), true positive, duplicate (false positive): precision 1 at recall 1
        var ap = Score([new(Square, "ship", false), new(hard, "ship", true)],
            new Task1Detection("P1", 0.9, hard), new Task1Detection("P1", 0.8, Square), new Task1Detection("P1", 0.7, Square));
        Assert.Equal(1, ap.Positives);
        Assert.Equal(1, ap.TruePositives);
        Assert.Equal(1.0, ap.Ap, 12);
    }

    [Fact]
    public void Voc07_ap_takes_the_best_precision_at_eleven_recall_thresholds()
    {
        // tp fp tp over 2 positives: recall .5 .5 1, precision 1 .5 .667 -> (6 x 1 + 5 x 0.667) / 11
        Assert.Equal((6 + 5 * (2.0 / 3)) / 11, DotaEvaluation.Voc07Ap([1, 0, 1], [0, 1, 0], 2), 12);
        Assert.Equal(0, DotaEvaluation.Voc07Ap([0, 0], [1, 1], 0));   // no positives: 0, as the official nan/inf recall gives
    }

    [Fact]
    public void A_detection_on_an_unlabelled_image_is_an_error()
    {
        var e = Assert.Throws<DotaFormatException>(() => Score([], new Task1Detection("P9", 0.5, Square)));
        Assert.Contains("'P9' has no label file", e.Message);
    }
}
