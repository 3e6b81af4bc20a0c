using System.Globalization;
using System.Text.Json.Serialization;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// Change-class scores, accumulated batch by batch. The global scores come from one confusion matrix over every pixel
/// (eval.py's way); the batch means average each batch's precision / recall / F1 (torchmetrics binary scores, 0 when
/// undefined), which is how the reference's train.py reports F1 and how LeMeViT's CDD numbers were produced.
/// </summary>
public sealed class ChangeScores
{
    long tp, fp, fn, tn;
    double precisionSum, recallSum, f1Sum;
    int batches;

    /// <summary>One batch: predictions and labels 0/1 (labels above 1 are not scored).</summary>
    public void AddBatch(ReadOnlySpan<byte> predictions, ReadOnlySpan<byte> labels)
    {
        if (predictions.Length != labels.Length) throw new ArgumentException($"{predictions.Length} predictions for {labels.Length} labels");
        long btp = 0, bfp = 0, bfn = 0, btn = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int l = labels[i];
            if (l > 1) continue;
            bool p = predictions[i] == 1;
            if (l == 1) { if (p) btp++; else bfn++; }
            else if (p) bfp++; else btn++;
        }
        tp += btp; fp += bfp; fn += bfn; tn += btn;
        double precision = Ratio(btp, btp + bfp), recall = Ratio(btp, btp + bfn);
        precisionSum += precision;
        recallSum += recall;
        f1Sum += Ratio(2 * btp, 2 * btp + bfp + bfn);
        batches++;
    }

    static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;

    public ChangeMetrics Metrics()
    {
        long pixels = tp + fp + fn + tn;
        double nan = double.NaN;
        return new ChangeMetrics(
            Precision: tp + fp == 0 ? (tp + fn == 0 ? nan : 0) : (double)tp / (tp + fp),
            Recall: tp + fn == 0 ? nan : (double)tp / (tp + fn),
            F1: tp + fp + fn == 0 ? nan : 2.0 * tp / (2 * tp + fp + fn),
            IoU: tp + fp + fn == 0 ? nan : (double)tp / (tp + fp + fn),
            OverallAccuracy: pixels == 0 ? nan : (double)(tp + tn) / pixels,
            BatchMeanPrecision: batches == 0 ? nan : precisionSum / batches,
            BatchMeanRecall: batches == 0 ? nan : recallSum / batches,
            BatchMeanF1: batches == 0 ? nan : f1Sum / batches,
            Pixels: pixels, ChangedPixels: tp + fn, Batches: batches);
    }
}

/// <summary>Scores of the change class. `f1` etc. are global (one confusion matrix); `batch_mean_*` are the reference's per-batch means.</summary>
public sealed record ChangeMetrics(
    double Precision, double Recall, double F1,
    [property: JsonPropertyName("iou")] double IoU,
    [property: JsonPropertyName("oa")] double OverallAccuracy,
    double BatchMeanPrecision, double BatchMeanRecall, double BatchMeanF1,
    long Pixels, long ChangedPixels, int Batches) : ITrainingMetrics
{
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, double>> Scalars =>
        [new("F1", F1), new("IoU", IoU), new("precision", Precision), new("recall", Recall), new("OA", OverallAccuracy), new("batch_mean_F1", BatchMeanF1)];

    public string ToTable() => string.Join(Environment.NewLine,
        $"change class (global confusion matrix, {Pixels} pixels, {ChangedPixels} changed):",
        $"  precision {Pct(Precision)}  recall {Pct(Recall)}  F1 {Pct(F1)}  IoU {Pct(IoU)}  OA {Pct(OverallAccuracy)}",
        $"reference protocol (mean over {Batches} batches, as train.py / the LeMeViT paper):",
        $"  precision {Pct(BatchMeanPrecision)}  recall {Pct(BatchMeanRecall)}  F1 {Pct(BatchMeanF1)}");

    static string Pct(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("F2", CultureInfo.InvariantCulture);
}
