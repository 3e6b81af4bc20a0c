using System.Text.Json.Serialization;
using GeoDense.Tasks.Training;
namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// Pixel confusion matrix over the scored classes (rows: label, columns: prediction). Labels outside
/// [0, classes) — the ignore index, boundaries, padding — are skipped, as in mmseg's evaluation.
/// </summary>
public sealed class ConfusionMatrix(int classes)
{
    readonly long[] counts = new long[classes * classes];

    public int Classes { get; } = classes;

    public long this[int label, int prediction] => counts[label * Classes + prediction];

    public void Add(ReadOnlySpan<byte> predictions, ReadOnlySpan<byte> labels)
    {
        if (predictions.Length != labels.Length)
            throw new ArgumentException($"{predictions.Length} predictions for {labels.Length} labels");
        for (int i = 0; i < labels.Length; i++)
        {
            int l = labels[i], p = predictions[i];
            if (l >= Classes) continue;
            if (p >= Classes) throw new ArgumentException($"prediction {p} outside the {Classes} scored classes");
            counts[l * Classes + p]++;
        }
    }

    public void Add(ConfusionMatrix other)
    {
        if (other.Classes != Classes) throw new ArgumentException("confusion matrices of different sizes");
        for (int i = 0; i < counts.Length; i++) counts[i] += other.counts[i];
    }

    public SegmentationMetrics Metrics(IReadOnlyList<string> names)
    {
        long total = 0, correct = 0;
        var perClass = new ClassMetrics[Classes];
        for (int c = 0; c < Classes; c++)
        {
            long tp = this[c, c], labelled = 0, predicted = 0;
            for (int k = 0; k < Classes; k++) { labelled += this[c, k]; predicted += this[k, c]; }
            total += labelled; correct += tp;
            // a class with no labelled pixels has undefined scores (NaN) and is left out of the means
            double iou = labelled == 0 ? double.NaN : (double)tp / (labelled + predicted - tp);
            double precision = predicted == 0 ? (labelled == 0 ? double.NaN : 0) : (double)tp / predicted;
            double recall = labelled == 0 ? double.NaN : (double)tp / labelled;
            double f1 = double.IsNaN(recall) ? double.NaN : precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[c] = new ClassMetrics(c < names.Count ? names[c] : $"class{c}", iou, f1, precision, recall, labelled);
        }
        return new SegmentationMetrics(total == 0 ? double.NaN : (double)correct / total,
            NanMean(perClass.Select(m => m.IoU)), NanMean(perClass.Select(m => m.F1)), perClass, total);
    }

    static double NanMean(IEnumerable<double> values)
    {
        var kept = values.Where(v => !double.IsNaN(v)).ToList();
        return kept.Count == 0 ? double.NaN : kept.Average();
    }
}

public sealed record ClassMetrics(string Name, [property: JsonPropertyName("iou")] double IoU, double F1, double Precision, double Recall, long Pixels);

/// <summary>OA, mIoU and mF1 over the scored classes (the LeMeViT Potsdam protocol reports OA and mF1).</summary>
public sealed record SegmentationMetrics(
    [property: JsonPropertyName("oa")] double OverallAccuracy,
    [property: JsonPropertyName("miou")] double MeanIoU,
    [property: JsonPropertyName("mf1")] double MeanF1,
    [property: JsonPropertyName("classes")] IReadOnlyList<ClassMetrics> PerClass,
    long Pixels) : ITrainingMetrics
{
    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, double>> Scalars => [new("mIoU", MeanIoU), new("mF1", MeanF1), new("OA", OverallAccuracy)];

    public string ToTable()
    {
        var lines = new List<string> { $"{"class",-22}{"IoU",8}{"F1",8}{"pixels",14}" };
        foreach (var c in PerClass) lines.Add($"{c.Name,-22}{Pct(c.IoU),8}{Pct(c.F1),8}{c.Pixels,14}");
        lines.Add($"OA {Pct(OverallAccuracy)}  mIoU {Pct(MeanIoU)}  mF1 {Pct(MeanF1)}  ({Pixels} scored pixels)");
        return string.Join(Environment.NewLine, lines);
    }

    static string Pct(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
}
