using System.Globalization;
using System.Text;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>AP of one class: <see cref="Positives"/> non-difficult ground truths, <see cref="Detections"/> scored.</summary>
public sealed record DotaClassAp(string ClassName, double Ap, int Positives, int Detections, int TruePositives);

/// <summary>Per-class APs and their mean over every evaluated class (classes without ground truth count as 0, as officially).</summary>
public sealed record DotaEvaluationResult(IReadOnlyList<DotaClassAp> Classes)
{
    public double MeanAp => Classes.Count == 0 ? 0 : Classes.Sum(c => c.Ap) / Classes.Count;

    public string ToTable()
    {
        var text = new StringBuilder();
        int width = Math.Max(5, Classes.Select(c => c.ClassName.Length).DefaultIfEmpty(0).Max());
        text.AppendLine($"{"class".PadRight(width)}  {"AP",8}  {"gt",6}  {"dets",7}  {"tp",6}");
        foreach (var c in Classes)
            text.AppendLine($"{c.ClassName.PadRight(width)}  {c.Ap.ToString("F4", CultureInfo.InvariantCulture),8}  {c.Positives,6}  {c.Detections,7}  {c.TruePositives,6}");
        text.Append($"mAP: {MeanAp.ToString("F4", CultureInfo.InvariantCulture)}");
        return text.ToString();
    }
}

/// <summary>
/// DOTA Task1 scoring exactly as DOTA_devkit's dota_evaluation_task1.py (voc_eval with use_07_metric, ovthresh 0.5):
/// <list type="bullet">
/// <item>detections of a class are ranked by numpy's unstable argsort of the negated scores (<see cref="NumpyArgsort"/>);</item>
/// <item>for each, ground truths of that class in that image are pre-filtered by their enclosing boxes with the
/// VOC "+1 pixel" convention (width = max - min + 1), and the survivors get the polygon IoU of DOTA_devkit's
/// polyiou (<see cref="RotatedOps.PolygonIou"/>, called as iou_poly(gt, det));</item>
/// <item>the first ground truth of highest IoU matches when that IoU is strictly above 0.5: a difficult one makes the
/// detection neither true nor false positive, a taken one makes it a false positive; below, it is a false positive;</item>
/// <item>recall = tp / non-difficult ground truths, precision = tp / max(tp + fp, eps), and VOC07 AP: the mean over the
/// 11 thresholds np.arange(0, 1.1, 0.1) (their float values, 0.30000000000000004 included) of the highest precision
/// at a recall at or above the threshold. A class without non-difficult ground truth scores 0 (numpy's nan/inf recall
/// passes no threshold when nothing matched).</item>
/// </list>
/// </summary>
public static class DotaEvaluation
{
    public const double IouThreshold = 0.5;

    /// <summary>np.finfo(np.float64).eps, the official guard against 0/0 precision.</summary>
    const double Float64Eps = 2.220446049250313e-16;

    /// <param name="labels">ground truth per image name (the image set: every image evaluated, as the official imagesetfile)</param>
    /// <param name="submission">detections per class name</param>
    /// <param name="classes">classes to score, in the table's order (the official list: <see cref="DotaClasses.V1"/>)</param>
    public static DotaEvaluationResult Evaluate(IReadOnlyDictionary<string, DotaLabels> labels,
        IReadOnlyDictionary<string, List<Task1Detection>> submission, IReadOnlyList<string> classes)
    {
        var result = new List<DotaClassAp>();
        foreach (var c in classes)
            result.Add(EvaluateClass(labels, submission.TryGetValue(c, out var d) ? d : [], c));
        return new DotaEvaluationResult(result);
    }

    public static DotaClassAp EvaluateClass(IReadOnlyDictionary<string, DotaLabels> labels, IReadOnlyList<Task1Detection> detections, string className)
    {
        var truths = new Dictionary<string, ImageTruth>(StringComparer.Ordinal);
        int positives = 0;
        foreach (var (image, l) in labels)
        {
            var objects = l.Objects.Where(o => o.ClassName == className).ToList();
            truths[image] = new ImageTruth(objects);
            positives += objects.Count(o => !o.Difficult);
        }

        var order = NumpyArgsort.Argsort(detections.Select(d => -d.Score).ToArray());
        var tp = new double[order.Length];
        var fp = new double[order.Length];
        for (int rank = 0; rank < order.Length; rank++)
        {
            var det = detections[order[rank]];
            if (!truths.TryGetValue(det.Image, out var truth))
                throw new DotaFormatException($"{Task1Submission.FileName(className)}: image '{det.Image}' has no label file; every detected image must be among the labelled images");
            var (iou, match) = BestMatch(truth, det.Polygon);
            if (iou > IouThreshold)
            {
                if (truth.Objects[match].Difficult) continue;
                if (!truth.Taken[match]) { tp[rank] = 1; truth.Taken[match] = true; }
                else fp[rank] = 1;
            }
            else fp[rank] = 1;
        }
        return new DotaClassAp(className, Voc07Ap(tp, fp, positives), positives, detections.Count, (int)tp.Sum());
    }

    /// <summary>The official hbb pre-filter, then the polygon IoU of the survivors: (max IoU, its first ground truth), or (-inf, -1).</summary>
    static (double Iou, int Index) BestMatch(ImageTruth truth, Quad det)
    {
        if (truth.Objects.Count == 0) return (double.NegativeInfinity, -1);
        double bx0 = det.MinX, by0 = det.MinY, bx1 = det.MaxX, by1 = det.MaxY;
        var kept = new List<int>();
        for (int j = 0; j < truth.Objects.Count; j++)
        {
            var g = truth.Objects[j].Polygon;
            double iw = Math.Max(Math.Min(g.MaxX, bx1) - Math.Max(g.MinX, bx0) + 1.0, 0.0);
            double ih = Math.Max(Math.Min(g.MaxY, by1) - Math.Max(g.MinY, by0) + 1.0, 0.0);
            double inter = iw * ih;
            double union = (bx1 - bx0 + 1.0) * (by1 - by0 + 1.0) + (g.MaxX - g.MinX + 1.0) * (g.MaxY - g.MinY + 1.0) - inter;
            if (inter / union > 0) kept.Add(j);
        }
        if (kept.Count == 0) return (double.NegativeInfinity, -1);
        var ious = PolygonIous(kept.Select(j => truth.Objects[j].Polygon), det);
        // np.max propagates NaN and np.argmax picks the first NaN or the first maximum
        int best = 0;
        for (int k = 0; k < ious.Length; k++)
        {
            if (double.IsNaN(ious[k])) { best = k; break; }
            if (ious[k] > ious[best]) best = k;
        }
        return (ious[best], kept[best]);
    }

    static double[] PolygonIous(IEnumerable<Quad> truths, Quad det)
    {
        using var scope = TorchRuntime.NewScope();
        var gt = truths.SelectMany(q => q.ToArray()).ToArray();
        using var g = Tensor.FromArray(gt, gt.Length / 8, 8);
        using var d = Tensor.FromArray(det.ToArray(), 1, 8);
        using var iou = RotatedOps.PolygonIou(g, d);
        return iou.ToArray<double>();
    }

    /// <summary>voc_ap(rec, prec, use_07_metric=True) on the cumulative tp/fp of the ranked detections.</summary>
    public static double Voc07Ap(IReadOnlyList<double> tp, IReadOnlyList<double> fp, int positives)
    {
        int n = tp.Count;
        var recall = new double[n];
        var precision = new double[n];
        double ctp = 0, cfp = 0;
        for (int i = 0; i < n; i++)
        {
            ctp += tp[i];
            cfp += fp[i];
            recall[i] = ctp / positives;   // positives 0: NaN or +inf, as numpy
            precision[i] = ctp / Math.Max(ctp + cfp, Float64Eps);
        }
        double ap = 0;
        for (int k = 0; k < 11; k++)
        {
            double t = k * 0.1;   // np.arange(0, 1.1, 0.1) computes start + k * step: 0.30000000000000004, 0.6000000000000001, 0.7000000000000001
            double p = 0;
            bool any = false;
            for (int i = 0; i < n; i++)
                if (recall[i] >= t)
                {
                    p = any ? Math.Max(p, precision[i]) : precision[i];
                    any = true;
                }
            ap += p / 11.0;
        }
        return ap;
    }

    sealed class ImageTruth(List<DotaObject> objects)
    {
        public List<DotaObject> Objects { get; } = objects;
        public bool[] Taken { get; } = new bool[objects.Count];
    }
}
