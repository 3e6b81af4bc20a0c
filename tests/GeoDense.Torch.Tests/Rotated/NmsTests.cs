using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests.Rotated;

public class NmsTests
{
    private static Tensor Rows(int width, params double[][] rows) =>
        Tensor.FromArray(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), rows.Length, width);

    private static long[] Kept(Tensor indices)
    {
        Assert.Equal(ScalarType.Int64, indices.DType);
        return indices.ToArray<long>();
    }

    [Fact]
    public void RotatedNmsKeepsTheBestOfEachOverlapGroupInScoreOrder()
    {
        using var scope = TorchRuntime.NewScope();
        // 0 and 2 overlap by IoU 1/3; 1 is far away. Scores put 2 first.
        var boxes = Rows(5, [0, 0, 2, 2, 0.3], [40, 40, 4, 2, 1.0], [Math.Cos(0.3), -Math.Sin(0.3), 2, 2, 0.3]);
        var scores = T(0.8f, 0.5f, 0.9f);
        Assert.Equal([2L, 1], Kept(RotatedOps.NmsRotated(boxes, scores, 0.3)));
        Assert.Equal([2L, 0, 1], Kept(RotatedOps.NmsRotated(boxes, scores, 0.4)));
    }

    [Fact]
    public void RotatedNmsSuppressesAtTheThresholdAndHorizontalNmsOnlyAbove()
    {
        using var scope = TorchRuntime.NewScope();
        // A 2x1 box inside a 2x2 box: IoU exactly 0.5 in both forms.
        var rotated = Rows(5, [0, 0, 2, 2, 0], [0, 0, 2, 1, 0]);
        var horizontal = Rows(4, [-1, -1, 1, 1], [-1, -0.5, 1, 0.5]);
        var scores = T(0.9f, 0.8f);
        Assert.Equal([0L], Kept(RotatedOps.NmsRotated(rotated, scores, 0.5)));
        Assert.Equal([0L, 1], Kept(RotatedOps.Nms(horizontal, scores, 0.5)));
        Assert.Equal([0L], Kept(RotatedOps.Nms(horizontal, scores, 0.49)));
    }

    [Fact]
    public void BatchedNmsOnlySuppressesWithinALabel()
    {
        using var scope = TorchRuntime.NewScope();
        var rotated = Rows(5, [0, 0, 4, 2, 0.5], [0, 0, 4, 2, 0.5], [0.1, 0, 4, 2, 0.5]);
        var horizontal = Rows(4, [0, 0, 4, 2], [0, 0, 4, 2], [0.1, 0, 4.1, 2]);
        var scores = T(0.7f, 0.6f, 0.9f);
        var labels = Tensor.FromArray(new long[] { 3, 1, 3 });
        Assert.Equal([2L, 1], Kept(RotatedOps.BatchedNmsRotated(rotated, scores, labels, 0.5)));
        Assert.Equal([2L, 1], Kept(RotatedOps.BatchedNms(horizontal, scores, labels, 0.5)));
        Assert.Equal([2L], Kept(RotatedOps.NmsRotated(rotated, scores, 0.5)));
    }

    [Fact]
    public void EmptyInputsKeepNothing()
    {
        using var scope = TorchRuntime.NewScope();
        Assert.Empty(Kept(RotatedOps.NmsRotated(Tensor.Zeros(0, 5), Tensor.Zeros(0), 0.1)));
        Assert.Empty(Kept(RotatedOps.Nms(Tensor.Zeros(0, 4), Tensor.Zeros(0), 0.1)));
    }

    [Fact]
    public void MismatchedScoresAreOneClearError()
    {
        using var scope = TorchRuntime.NewScope();
        var error = Assert.Throws<TorchException>(() => RotatedOps.NmsRotated(Tensor.Zeros(3, 5), Tensor.Zeros(2), 0.1));
        Assert.Contains("scores must be [3]", error.Message);
        Assert.Throws<TorchException>(() => RotatedOps.BatchedNms(Tensor.Zeros(2, 4), Tensor.Zeros(2), Tensor.Zeros(2), 0.1));
    }
}
