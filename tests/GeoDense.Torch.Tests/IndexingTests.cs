using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class IndexingTests
{
    private static Tensor L(params long[] values) => Tensor.FromArray(values);

    [Fact]
    public void GatherScatterIndexSelect()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Close([3, 1, 4, 6], x.Gather(1, L(2, 0, 0, 2).Reshape(2, 2)));
        Close([3, 1, 6, 4], x.IndexSelect(1, L(2, 0)));
        var summed = Tensor.Zeros(3).ScatterAdd(0, L(0, 2, 0, 1), T(1, 2, 3, 4));
        Close([4, 4, 2], summed);
        Close([1, 2, 3, 4, 5, 6], x.Scatter(1, L(0, 1, 2, 0, 1, 2).Reshape(2, 3), x));
    }

    [Fact]
    public void MasksAndNonzero()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(1, -2, 3, -4);
        var negative = x < 0;
        Close([1, 0, 3, 0], x.MaskedFill(negative, 0));
        Close([-2, -4], x.MaskedSelect(negative));
        Close([-2, -4], x[negative]);
        Close([1, 3], x[L(0, 2)]);
        Assert.Equal(new long[] { 1, 3 }, negative.Nonzero().Flatten().ToArray<long>());
        Assert.Equal(new long[] { 2, 1 }, negative.Nonzero().Shape);
        var y = x.Clone();
        y.IndexPut_(L(1, 3), T(10, 20));
        Close([1, 10, 3, 20], y);
        y.MaskedFill_(y > 5, -1);
        Close([1, -1, 3, -1], y);
    }

    [Fact]
    public void TopKSortArgSortUniqueOneHot()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(3, 1, 4, 1, 5);
        var (values, indices) = x.TopK(2);
        Close([5, 4], values);
        Assert.Equal(new long[] { 4, 2 }, indices.ToArray<long>());
        var (sorted, order) = x.Sort(stable: true);
        Close([1, 1, 3, 4, 5], sorted);
        Assert.Equal(new long[] { 1, 3, 0, 2, 4 }, order.ToArray<long>());
        Assert.Equal(new long[] { 4, 2, 0 }, x.ArgSort(descending: true).Slice(0, 0, 3).ToArray<long>());
        Close([1, 3, 4, 5], x.Unique());
        Assert.Equal(new long[] { 0, 1, 0, 0, 0, 1 }, L(1, 2).OneHot(3).Flatten().ToArray<long>());
    }
}
