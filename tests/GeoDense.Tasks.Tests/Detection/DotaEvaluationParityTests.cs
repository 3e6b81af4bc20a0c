using System.Text.Json;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// Against DOTA_devkit's own dota_evaluation_task1.py (tests/fixtures/dota-eval/make.py runs it on these files):
/// submissions with tied scores, duplicates, difficult objects, empty and missing class files, and non-convex,
/// reversed and self-crossing quadrilaterals. The tie order matters: in the "ties" case a stable sort would score
/// small-vehicle 0.2921 and large-vehicle 0.1727 instead of the official 0.2948 and 0.1688.
/// </summary>
public class DotaEvaluationParityTests
{
    static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "dota-eval");

    public static TheoryData<string> Cases() => ["basic", "ties", "odd"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Per_class_APs_equal_the_official_evaluation(string name)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json")));
        var want = expected.RootElement.GetProperty(name);
        var labels = DotaLabelFile.ReadFolder(Path.Combine(Root, name, "labels"));
        var submission = Task1Submission.Read(Path.Combine(Root, name, "submission"));
        var result = DotaEvaluation.Evaluate(labels, submission, DotaClasses.V1);
        foreach (var c in result.Classes)
        {
            double official = want.GetProperty("classes").GetProperty(c.ClassName).GetDouble();
            Assert.True(Math.Abs(official - c.Ap) <= 1e-6, $"{name}/{c.ClassName}: official AP {official}, ours {c.Ap}");
        }
        Assert.Equal(want.GetProperty("map").GetDouble(), result.MeanAp, 6);
        Assert.Contains(result.Classes, c => c.Ap > 0.1);   // the fixture scores something, not only zeros
    }

    [Fact]
    public void Equal_scores_are_ranked_as_numpy_argsort_ranks_them()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "argsort.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var values = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var order = c.GetProperty("order").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Assert.Equal(order, NumpyArgsort.Argsort(values));
        }
    }

    [Fact]
    public void Polygon_iou_keeps_polyiou_semantics_on_odd_quadrilaterals()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "polyiou.json")));
        var polys = doc.RootElement.GetProperty("polygons").EnumerateArray()
            .SelectMany(p => p.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        var want = doc.RootElement.GetProperty("iou").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        int n = polys.Length / 8;
        using var p = Tensor.FromArray(polys, n, 8);
        using var iou = RotatedOps.PolygonIou(p, p);
        var got = iou.ToArray<double>();
        for (int i = 0; i < want.Length; i++)
            Assert.True(double.IsNaN(want[i]) ? double.IsNaN(got[i]) : Math.Abs(want[i] - got[i]) <= 1e-9, $"pair {i / n},{i % n}: polyiou {want[i]}, ours {got[i]}");
    }
}
