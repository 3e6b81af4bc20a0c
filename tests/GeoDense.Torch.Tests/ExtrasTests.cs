using GeoDense.Torch.NN;
using static GeoDense.Torch.Tests.Assertions;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

public class ExtrasTests
{
    [Fact]
    public void EinsumAddmmBaddbmm()
    {
        using var scope = TorchRuntime.NewScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6, 7, 8 }, 2, 2);
        Close([19, 22, 43, 50], Tensor.Einsum("ij,jk->ik", a, b));
        Close([5, 8], Tensor.Einsum("ii->i", a + Tensor.Eye(2) * 4));
        Close([20, 23, 44, 51], Tensor.Ones(2, 2).Addmm(a, b));
        Close([38, 44, 86, 100], Tensor.Zeros(1, 2, 2).Baddbmm(a.Unsqueeze(0), b.Unsqueeze(0), alpha: 2));
    }

    [Fact]
    public void ChannelsLastKeepsValuesAndChangesStrides()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.Randn(1, 3, 4, 5);
        var cl = x.Contiguous(MemoryFormat.ChannelsLast);
        Assert.True(cl.IsContiguousIn(MemoryFormat.ChannelsLast));
        Assert.False(x.IsContiguousIn(MemoryFormat.ChannelsLast));
        Assert.Equal(new long[] { 60, 1, 15, 3 }, cl.Stride);
        Assert.True(cl.AllClose(x, 0, 0));
        var w = Tensor.Randn(2, 3, 3, 3);
        Assert.True(F.Conv2d(cl, w, null, 1, 1).AllClose(F.Conv2d(x, w, null, 1, 1), 1e-4, 1e-5));
    }

    [Fact]
    public void CatAndStackAcceptLongLists()
    {
        using var scope = TorchRuntime.NewScope();
        var parts = Enumerable.Range(0, 100).Select(i => Tensor.Full([1], i)).ToArray();
        var cat = Tensor.Cat(parts);
        Assert.Equal(4950, cat.Sum().Item<float>());
        Assert.Equal(new long[] { 100, 1 }, Tensor.Stack(parts).Shape);
        Assert.Equal(100, Tensor.Arange(100).Chunk(100).Length);
    }

    [Fact]
    public void ApplyVisitsChildrenFirstAndRequiresGradFreezes()
    {
        using var model = new Sequential(new Linear(2, 2), new Sequential(new Linear(2, 2)));
        var visited = new List<string>();
        model.Apply(m => visited.Add(m.GetType().Name));
        Assert.Equal(["Linear", "Linear", "Sequential", "Sequential"], visited);
        model.Apply(m =>
        {
            if (m is Linear linear) Init.Constant_(linear.Weight, 0.5);
        });
        Close([0.5, 0.5, 0.5, 0.5], ((Linear)model[0]).Weight);
        model.RequiresGrad_(false);
        Assert.All(model.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    [Fact]
    public void NormalizeDividesByTheNorm()
    {
        using var scope = TorchRuntime.NewScope();
        Close([0.6, 0.8, 0, 0], F.Normalize(Tensor.FromArray(new double[] { 3, 4, 0, 0 }, 2, 2), dim: 1));
    }
}

public class FoldingTests
{
    [Fact]
    public void FoldedConvEqualsConvThenBatchNormInEval()
    {
        TorchRuntime.ManualSeed(3);
        using var conv = new Conv2d(3, 4, 3, stride: 2, padding: 1);
        using var bn = new BatchNorm2d(4);
        using var scope = TorchRuntime.NewScope();
        // Give the BatchNorm non-trivial statistics and affine parameters.
        for (var i = 0; i < 3; i++) bn.Forward(conv.Forward(Tensor.Randn(2, 3, 8, 8) * 3 + 1));
        Init.Normal_(bn.Weight!, 1, 0.5);
        Init.Normal_(bn.Bias!, 0, 0.5);
        bn.Eval();
        using var folded = conv.FoldBatchNorm(bn);
        var x = Tensor.Randn(2, 3, 8, 8);
        Assert.True(folded.Forward(x).AllClose(bn.Forward(conv.Forward(x)), 1e-4, 1e-5));
        Assert.Equal(["weight", "bias"], folded.StateDict().Keys);
    }
}
