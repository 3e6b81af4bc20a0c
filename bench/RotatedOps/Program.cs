// Rotated-op speed at Oriented R-CNN sizes: RoIAlignRotated over 2000 RoIs x 256 channels -> 7x7 on a stride-4
// level of a 1024² patch (forward, and forward + backward), rotated NMS over 2000 clustered boxes, the 2000 x 2000
// rotated IoU table, and horizontal NMS over 2000 boxes (the RPN's per-level step).
// Usage: dotnet bench/RotatedOps/bin/Release/net10.0/GeoDense.Bench.RotatedOps.dll [threads]
using System.Diagnostics;
using GeoDense.Torch;

var threads = args.Length > 0 ? int.Parse(args[0]) : 2;
TorchRuntime.SetNumThreads(threads);
Console.WriteLine($"libtorch {TorchRuntime.TorchVersion}, {TorchRuntime.GetNumThreads()} threads");
var random = new Random(1);

using var features = Tensor.Randn(1, 256, 256, 256);
using var rois = Rows(2000, 6, i => [0, 1024 * random.NextDouble(), 1024 * random.NextDouble(), 16 + 200 * random.NextDouble(),
    8 + 60 * random.NextDouble(), (random.NextDouble() - 0.5) * Math.PI]);
using (TorchRuntime.NoGrad())
    Report("RoIAlignRotated forward, 2000 RoIs, 256 ch, 7x7, sampling 2", Seconds(5, () =>
        RotatedOps.RoiAlignRotated(features, rois, 7, 7, 0.25, 2, aligned: true).Dispose()));
using (var leaf = features.Detach().RequiresGrad_())
{
    using var gradOutput = Tensor.Randn(2000, 256, 7, 7);
    Report("RoIAlignRotated forward + backward, same sizes", Seconds(5, () =>
    {
        using var scope = TorchRuntime.NewScope();
        RotatedOps.RoiAlignRotated(leaf, rois, 7, 7, 0.25, 2, aligned: true).Backward(gradOutput);
        leaf.Grad = null;
    }));
}

// 40 clusters of 50 jittered boxes: realistic overlap for detector outputs before NMS.
var centres = Enumerable.Range(0, 40).Select(_ => (X: 1024 * random.NextDouble(), Y: 1024 * random.NextDouble())).ToArray();
using var boxes = Rows(2000, 5, i => [centres[i % 40].X + 4 * random.NextDouble(), centres[i % 40].Y + 4 * random.NextDouble(),
    40 + 8 * random.NextDouble(), 16 + 4 * random.NextDouble(), 0.5 + 0.2 * random.NextDouble()]);
using var scores = Rows(2000, 1, _ => [random.NextDouble()]).Reshape(2000);
using var horizontal = Rows(2000, 4, i => [centres[i % 40].X + 4 * random.NextDouble(), centres[i % 40].Y + 4 * random.NextDouble(),
    centres[i % 40].X + 40 + 4 * random.NextDouble(), centres[i % 40].Y + 30 + 4 * random.NextDouble()]);
Report("NmsRotated, 2000 boxes, IoU 0.1", Seconds(3, () => RotatedOps.NmsRotated(boxes, scores, 0.1).Dispose()));
Report("BoxIouRotated, 2000 x 2000", Seconds(3, () => RotatedOps.BoxIouRotated(boxes, boxes).Dispose()));
Report("Nms (horizontal), 2000 boxes, IoU 0.8", Seconds(3, () => RotatedOps.Nms(horizontal, scores, 0.8).Dispose()));

static Tensor Rows(int n, int width, Func<int, double[]> row) =>
    Tensor.FromArray(Enumerable.Range(0, n).SelectMany(i => row(i).Select(v => (float)v)).ToArray(), n, width);

// Best of repeated runs within a time budget (after one warm-up run).
static double Seconds(double budget, Action run)
{
    run();
    var best = double.MaxValue;
    var total = Stopwatch.StartNew();
    do
    {
        var sw = Stopwatch.StartNew();
        run();
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    } while (total.Elapsed.TotalSeconds < budget);
    return best;
}

static void Report(string name, double seconds) => Console.WriteLine($"{name,-62} {seconds * 1000,9:F1} ms");
