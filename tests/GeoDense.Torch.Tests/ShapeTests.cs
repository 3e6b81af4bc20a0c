using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class ShapeTests
{
    private static Tensor Range(params long[] shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        return Tensor.Arange(0, n, 1, ScalarType.Float32).Reshape(shape);
    }

    [Fact]
    public void ReshapePermuteTransposeFlatten()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Range(2, 3);
        Assert.Equal(new long[] { 3, 2 }, x.View(3, 2).Shape);
        Assert.Equal(3, x.Size(-1));
        Assert.Equal(2, x.Size(0));
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => x.Size(2)).Message);
        Assert.Equal(new long[] { 6 }, x.Reshape(-1).Shape);
        Close([0, 3, 1, 4, 2, 5], x.Transpose(0, 1).Contiguous());
        Assert.False(x.T.IsContiguous);
        Close([0, 3, 1, 4, 2, 5], x.Permute(1, 0).Flatten());
        var y = Range(2, 3, 4);
        Assert.Equal(new long[] { 2, 12 }, y.Flatten(1).Shape);
        Assert.Equal(new long[] { 2, 3, 2, 2 }, y.Unflatten(2, 2, 2).Shape);
        Assert.Equal(new long[] { 1, 2, 3 }, x.Unsqueeze(0).Shape);
        Assert.Equal(new long[] { 2, 3 }, x.Unsqueeze(0).Squeeze(0).Shape);
        Assert.Equal(new long[] { 3, 4, 2 }, y.MoveDim(0, 2).Shape);
    }

    [Fact]
    public void SliceNarrowSelectIndex()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Range(3, 4);
        Close([1, 3, 5, 7, 9, 11], x.Slice(1, 1, null, 2));
        Close([4, 5, 6, 7], x.Narrow(0, 1, 1));
        Close([2, 6, 10], x.Select(1, 2));
        Close([8, 9, 10, 11], x[2]);
        Close([4, 5, 6, 7, 8, 9, 10, 11], x.Slice(0, -2));
    }

    [Fact]
    public void CatStackChunkSplit()
    {
        using var scope = TorchRuntime.NewScope();
        var a = T(1, 2);
        var b = T(3, 4);
        Close([1, 2, 3, 4], Tensor.Cat([a, b]));
        var s = Tensor.Stack([a, b], 1);
        Assert.Equal(new long[] { 2, 2 }, s.Shape);
        Close([1, 3, 2, 4], s);
        var parts = Range(7).Chunk(3);
        Assert.Equal(3, parts.Length);
        Close([6], parts[2]);
        var split = Range(5).Split(2);
        Assert.Equal(new[] { 2L, 2, 1 }, split.Select(p => p.Numel));
        var sized = Range(6).Split([1, 5]);
        Close([1, 2, 3, 4, 5], sized[1]);
        var rows = Range(2, 2).Unbind(0);
        Close([2, 3], rows[1]);
    }

    [Fact]
    public void ExpandRepeatFlipRoll()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(1, 2).Reshape(2, 1);
        Close([1, 1, 1, 2, 2, 2], x.Expand(2, 3));
        Close([1, 1, 2, 2, 1, 1, 2, 2], x.Repeat(2, 2));
        Close([2, 1], T(1, 2).Flip(0));
        Close([3, 1, 2], T(1, 2, 3).Roll([1], [0]));
        Close([1, 1, 2, 2], T(1, 2).RepeatInterleave(2, 0));
    }
}
