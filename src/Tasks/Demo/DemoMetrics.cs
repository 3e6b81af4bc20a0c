using System.Globalization;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Reports;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Demo;

/// <summary>The demo's three scores against the synthetic truth, and how long each stage took.</summary>
public sealed record DemoMetrics(SegmentationMetrics Segmentation, DotaEvaluationResult Detection, ChangeMetrics Change,
    IReadOnlyList<(string Stage, double Seconds)> Stages)
{
    /// <summary>(task, metric, value in %) rows, as the console table and the results page show them.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows =>
    [
        ["segmentation", "OA", Pct(Segmentation.OverallAccuracy)],
        ["segmentation", "mIoU", Pct(Segmentation.MeanIoU)],
        ["detection", "mAP (DOTA Task1, VOC07, IoU 0.5)", Pct(Detection.MeanAp)],
        ["change", "F1 (changed class)", Pct(Change.F1)],
        ["change", "IoU (changed class)", Pct(Change.IoU)],
    ];

    public PageTable Table => new("Demo metrics against the synthetic truth (%)", ["task", "metric", "value"], Rows);

    public string ToTable()
    {
        var lines = new List<string> { $"{"task",-13} {"metric",-34} {"value %",8}" };
        lines.AddRange(Rows.Select(r => $"{r[0],-13} {r[1],-34} {r[2],8}"));
        lines.Add("stage seconds: " + string.Join(", ", Stages.Select(s => $"{s.Stage} {s.Seconds.ToString("F0", CultureInfo.InvariantCulture)}")));
        return string.Join(Environment.NewLine, lines);
    }

    static string Pct(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("F1", CultureInfo.InvariantCulture);
}
