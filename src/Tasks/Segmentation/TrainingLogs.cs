using System.Globalization;
using System.Text.Json;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// The training record in the work directory: `log.csv` (one row per iteration), `val.csv` (one row per
/// validation), `metrics.json` (final validation, per class) and `curves.png` (loss and mIoU). On resume the
/// rows past the resumed iteration are dropped so the logs read like one uninterrupted run.
/// </summary>
public sealed class TrainingLogs
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    readonly string dir;
    readonly List<(long Iteration, double Value)> loss = [], miou = [];
    double lossSum;
    int lossCount;

    public SegmentationMetrics? LastValidation => null;

    public TrainingLogs(string workDir, long firstIteration)
    {
        dir = workDir;
        Keep("log.csv", "iteration,lr,loss,loss_decode,loss_aux,seconds", firstIteration, (it, cols) =>
        {
            lossSum += double.Parse(cols[2], Inv); lossCount++;
            if (lossCount == 10) { loss.Add((it + 1, lossSum / lossCount)); lossSum = 0; lossCount = 0; }
        });
        Keep("val.csv", "iteration,oa,miou,mf1,per_class_iou", firstIteration, (it, cols) => miou.Add((it + 1, double.Parse(cols[2], Inv))));
    }

    public void Train(long iteration, double lr, double total, double decode, double aux, double seconds)
    {
        File.AppendAllText(Path.Combine(dir, "log.csv"),
            string.Create(Inv, $"{iteration},{lr:G6},{total:G6},{decode:G6},{aux:G6},{seconds:F2}\n"));
        lossSum += total; lossCount++;
        if (lossCount == 10) { loss.Add(((int)iteration + 1, lossSum / lossCount)); lossSum = 0; lossCount = 0; }
    }

    public void Validation(long iteration, SegmentationMetrics m)
    {
        var perClass = string.Join(";", m.PerClass.Select(c => c.IoU.ToString("F4", Inv)));
        File.AppendAllText(Path.Combine(dir, "val.csv"),
            string.Create(Inv, $"{iteration},{m.OverallAccuracy:F4},{m.MeanIoU:F4},{m.MeanF1:F4},{perClass}\n"));
        miou.Add(((int)iteration + 1, m.MeanIoU));
        Plot();
    }

    public void Finish(SegmentationMetrics? final)
    {
        Plot();
        if (final is null) return;
        File.WriteAllText(Path.Combine(dir, "metrics.json"), JsonSerializer.Serialize(MetricsJson(final), new JsonSerializerOptions { WriteIndented = true }));
    }

    public static object MetricsJson(SegmentationMetrics m) => new
    {
        oa = m.OverallAccuracy, miou = m.MeanIoU, mf1 = m.MeanF1, pixels = m.Pixels,
        classes = m.PerClass.Select(c => new { name = c.Name, iou = Nan(c.IoU), f1 = Nan(c.F1), precision = Nan(c.Precision), recall = Nan(c.Recall), pixels = c.Pixels }),
    };

    static double? Nan(double v) => double.IsNaN(v) ? null : v;

    void Plot() => TrainingCurves.Write(Path.Combine(dir, "curves.png"), loss, "mIoU", miou);

    void Keep(string name, string header, long firstIteration, Action<int, string[]> replay)
    {
        var path = Path.Combine(dir, name);
        var kept = new List<string> { header };
        if (firstIteration > 0 && File.Exists(path))
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var cols = line.Split(',');
                if (cols.Length < 3 || !int.TryParse(cols[0], Inv, out int it) || it >= firstIteration) continue;
                kept.Add(line);
                replay(it, cols);
            }
        File.WriteAllText(path, string.Join("\n", kept) + "\n");
    }
}
