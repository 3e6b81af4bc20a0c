using GeoDense.Torch.Checkpoints;

namespace GeoDense.Torch.Tests.Rotated;

/// <summary>Our ops against the reference kernels themselves (mmcv's CPU box_iou_rotated, nms_rotated and
/// roi_align_rotated; DOTA_devkit's polyiou; torchvision's roi_align), recorded by tests/reference/rotated_ops_ref.py.</summary>
public class ReferenceParityTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, TensorData>> Io = new(() =>
        Safetensors.Read(Path.Combine(AppContext.BaseDirectory, "TestData", "rotated-ops", "io.safetensors")).Tensors);

    private static Tensor Load(string name) => Io.Value[name].ToTensor();

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        using var e = expected.To(ScalarType.Float64);
        using var a = actual.To(ScalarType.Float64);
        var ev = e.ToArray<double>();
        var av = a.ToArray<double>();
        var worst = Enumerable.Range(0, ev.Length).Select(i => (Index: i, Diff: Math.Abs(ev[i] - av[i]))).MaxBy(p => p.Diff);
        Assert.True(ev.Length == 0 || worst.Diff <= tolerance,
            $"largest difference {worst.Diff:G3} at element {worst.Index}: reference {ev[worst.Index]}, ours {av[worst.Index]}");
    }

    [Fact]
    public void RotatedIouMatchesMmcv()
    {
        using var scope = TorchRuntime.NewScope();
        var boxes1 = Load("iou_boxes1");
        var boxes2 = Load("iou_boxes2");
        // mmcv works in float32 throughout; we intersect in double, so agreement is to float32 rounding.
        AssertClose(Load("iou"), RotatedOps.BoxIouRotated(boxes1, boxes2), 2e-5);
        AssertClose(Load("iou_aligned"), RotatedOps.BoxIouRotated(boxes1.Narrow(0, boxes1.Shape[0] - 8, 8),
            boxes2.Narrow(0, boxes2.Shape[0] - 8, 8), aligned: true), 2e-5);
    }

    [Theory]
    [InlineData("0.1")]
    [InlineData("0.5")]
    [InlineData("0.8")]
    public void RotatedNmsKeepsWhatMmcvKeeps(string threshold)
    {
        using var scope = TorchRuntime.NewScope();
        var kept = RotatedOps.NmsRotated(Load("nms_boxes"), Load("nms_scores"), double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Load($"nms_keep_{threshold}").ToArray<long>(), kept.ToArray<long>());
    }

    [Theory]
    [InlineData("a", 0.5, 2, true, false)]
    [InlineData("b", 0.25, 0, false, true)]
    public void RoiAlignRotatedForwardAndBackwardMatchMmcv(string setting, double scale, int samplingRatio, bool aligned, bool clockwise)
    {
        using var scope = TorchRuntime.NewScope();
        var features = Load("roi_features").RequiresGrad_();
        var output = RotatedOps.RoiAlignRotated(features, Load("roi_rois"), 7, 7, scale, samplingRatio, aligned, clockwise);
        AssertClose(Load($"roi_{setting}_output"), output, 1e-5);
        output.Backward(Load("roi_grad_output"));
        AssertClose(Load($"roi_{setting}_grad_input"), features.Grad!, 1e-5);
    }

    [Fact]
    public void RoiAlignRotatedAtAngleZeroIsTorchvisionRoiAlign()
    {
        using var scope = TorchRuntime.NewScope();
        var output = RotatedOps.RoiAlignRotated(Load("roi_features"), Load("roi_axis_rois"), 7, 7, 0.5, 2, aligned: true);
        AssertClose(Load("roi_axis_output"), output, 1e-5);
    }

    [Fact]
    public void PolygonIouMatchesDotaDevkit()
    {
        using var scope = TorchRuntime.NewScope();
        AssertClose(Load("poly_iou"), RotatedOps.PolygonIou(Load("poly1"), Load("poly2")), 1e-12);
    }

    [Fact]
    public void PolygonToObbMatchesBboxToolkitOnRectangles()
    {
        using var scope = TorchRuntime.NewScope();
        var expected = Load("mar_obb").ToArray<double>();
        var actual = RotatedOps.PolygonToObb(Load("mar_polygons")).ToArray<double>();
        const double referencePi = 3.141592;
        for (var row = 0; row < expected.Length / 5; row++)
        {
            var e = expected.AsSpan(row * 5, 5);
            var a = actual.AsSpan(row * 5, 5);
            // cv2 measures in float32: centres and sides agree to its rounding.
            for (var k = 0; k < 4; k++)
                Assert.True(Math.Abs(e[k] - a[k]) <= 1e-3 * Math.Max(1, Math.Abs(e[k])), $"row {row} column {k}: BboxToolkit {e[k]}, ours {a[k]}");
            // A square's angle is only defined up to a quarter turn; any other box's exactly, end of the range included.
            var square = Math.Abs(e[2] - e[3]) <= 1e-3 * e[2];
            var difference = square ? Math.Abs(Math.IEEERemainder(e[4] - a[4], referencePi / 2)) : Math.Abs(e[4] - a[4]);
            Assert.True(difference <= 1e-5, $"row {row} theta: BboxToolkit {e[4]}, ours {a[4]}");
        }
    }

    [Fact]
    public void PolygonToObbFindsAsSmallARectangleAsBboxToolkitOnIrregularQuadrilaterals()
    {
        // These often have two minimum-area rectangles of exactly equal area; cv2 picks one by float32 rounding,
        // so only the area (the defining property) is compared.
        using var scope = TorchRuntime.NewScope();
        var expected = Load("mar_noisy_obb").ToArray<double>();
        var actual = RotatedOps.PolygonToObb(Load("mar_noisy_polygons")).ToArray<double>();
        for (var row = 0; row < expected.Length / 5; row++)
        {
            double e = expected[row * 5 + 2] * expected[row * 5 + 3], a = actual[row * 5 + 2] * actual[row * 5 + 3];
            Assert.True(Math.Abs(e - a) <= 1e-4 * e, $"row {row}: BboxToolkit's rectangle has area {e}, ours {a}");
            Assert.True(actual[row * 5 + 2] >= actual[row * 5 + 3], $"row {row}: w must be the long side");
        }
    }
}
