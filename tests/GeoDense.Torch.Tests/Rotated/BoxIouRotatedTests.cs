using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests.Rotated;

public class BoxIouRotatedTests
{
    private static Tensor Boxes(params double[][] rows) =>
        Tensor.FromArray(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), rows.Length, 5);

    private static double Iou(double[] a, double[] b)
    {
        using var scope = TorchRuntime.NewScope();
        return RotatedOps.BoxIouRotated(Boxes(a), Boxes(b)).Item<double>();
    }

    [Fact]
    public void IdenticalBoxesHaveIouOne() => Close(1, Iou([10, 20, 8, 3, 0.7], [10, 20, 8, 3, 0.7]));

    [Fact]
    public void QuarterTurnOfASquareIsTheSameSquare() => Close(1, Iou([0, 0, 4, 4, 0], [0, 0, 4, 4, Math.PI / 2]));

    [Fact]
    public void QuarterTurnOfARectangleOverlapsInItsShortSideSquared() =>
        // 4x2 crossed with 2x4: intersection 2x2 = 4, union 8 + 8 - 4.
        Close(4.0 / 12, Iou([0, 0, 4, 2, 0], [0, 0, 4, 2, Math.PI / 2]));

    [Fact]
    public void SquareAndItsEighthTurnOverlapInAnOctagon()
    {
        var octagon = 8 * Math.Sqrt(2) - 8;  // [-1,1]² minus four corner triangles of legs 2 - sqrt 2
        Close(octagon / (8 - octagon), Iou([0, 0, 2, 2, 0], [0, 0, 2, 2, Math.PI / 4]));
    }

    [Fact]
    public void DisjointAndTouchingBoxesHaveIouZero()
    {
        Assert.Equal(0, Iou([0, 0, 2, 2, 0], [10, 10, 2, 2, 0.3]));
        Assert.Equal(0, Iou([0, 0, 2, 2, 0], [2, 0, 2, 2, 0]), 6);
    }

    [Fact]
    public void ContainedBoxGivesTheRatioOfAreas() =>
        // The inner square's corners (radius sqrt 2) stay within the outer one's inscribed circle (radius 2).
        Close(4.0 / 16, Iou([0, 0, 4, 4, 0.2], [0, 0, 2, 2, 0.7]));

    [Fact]
    public void HalfShiftedBoxesAlongTheirOwnAxisOverlapByAThird()
    {
        const double theta = 0.4;
        // Shifting by 1 along the w axis (cos, -sin) leaves a 1 x 2 overlap of two 2 x 2 boxes: 2 / 6.
        Close(1.0 / 3, Iou([0, 0, 2, 2, 0], [1, 0, 2, 2, 0]));
        Close(1.0 / 3, Iou([5000.5, 3000.25, 2, 2, theta], [5000.5 + Math.Cos(theta), 3000.25 - Math.Sin(theta), 2, 2, theta]), 1e-4);
    }

    [Fact]
    public void ZeroAreaBoxesHaveIouZero() => Assert.Equal(0, Iou([0, 0, 0, 2, 0], [0, 0, 0, 2, 0]));

    [Fact]
    public void PairwiseAndAlignedShapesAndValues()
    {
        using var scope = TorchRuntime.NewScope();
        var a = Boxes([0, 0, 2, 2, 0], [0, 0, 4, 2, 0]);
        var b = Boxes([1, 0, 2, 2, 0], [0, 0, 4, 2, Math.PI / 2], [50, 50, 1, 1, 0]);
        var all = RotatedOps.BoxIouRotated(a, b);
        Assert.Equal([2L, 3], all.Shape);
        Assert.Equal(ScalarType.Float32, all.DType);
        // A 2x2 square inside a 4x2 box (either way round) gives 4 / 8; the 4x2 box crossed with itself 4 / 12.
        Close([1.0 / 3, 0.5, 0, 0.5, 4.0 / 12, 0], all);
        var aligned = RotatedOps.BoxIouRotated(a, b.Narrow(0, 0, 2), aligned: true);
        Assert.Equal([2L], aligned.Shape);
        Close([1.0 / 3, 4.0 / 12], aligned);
        Assert.Equal(ScalarType.Float64, RotatedOps.BoxIouRotated(a.To(ScalarType.Float64), b.To(ScalarType.Float64)).DType);
    }

    [Fact]
    public void WrongShapesAreOneClearError()
    {
        using var scope = TorchRuntime.NewScope();
        var error = Assert.Throws<TorchException>(() => RotatedOps.BoxIouRotated(Tensor.Zeros(3, 4), Tensor.Zeros(2, 5)));
        Assert.Contains("boxes1 must be [N, 5]", error.Message);
        Assert.Throws<TorchException>(() => RotatedOps.BoxIouRotated(Tensor.Zeros(3, 5), Tensor.Zeros(2, 5), aligned: true));
    }
}
