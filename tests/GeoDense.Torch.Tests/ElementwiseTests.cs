using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class ElementwiseTests
{
    [Fact]
    public void OperatorsMatchHandComputedValues()
    {
        using var scope = TorchRuntime.NewScope();
        var a = T(1, 2, 3);
        var b = T(4, 5, 6);
        Close([5, 7, 9], a + b);
        Close([-3, -3, -3], a - b);
        Close([4, 10, 18], a * b);
        Close([0.25, 0.4, 0.5], a / b);
        Close([3, 4, 5], a + 2);
        Close([1, 0, -1], 2 - a);
        Close([2, 4, 6], 2.0 * a);
        Close([2, 1, 2.0 / 3], 2 / a);
        Close([-1, -2, -3], -a);
        Close([1, 0, 1], a % 2);
        Close([1, 4, 9], a.Pow(2));
        Close([9, 12, 15], a.Add(b, 2));
    }

    [Fact]
    public void IntegerScalarsKeepIntegerDtypes()
    {
        using var scope = TorchRuntime.NewScope();
        var i = Tensor.FromArray(new long[] { 1, 2 });
        Assert.Equal(ScalarType.Int64, (i + 1).DType);
        Assert.Equal(ScalarType.Float32, (i + 0.5).DType);
        i.Add_(1);
        Assert.Equal(new long[] { 2, 3 }, i.ToArray<long>());
    }

    [Fact]
    public void UnaryFunctionsMatchMath()
    {
        using var scope = TorchRuntime.NewScope();
        var x = D(-1, 0, 0.5, 2);
        Close([1, 0, 0.5, 2], x.Abs());
        Close(x.ToArray<double>().Select(Math.Exp).ToArray(), x.Exp());
        Close(x.ToArray<double>().Select(Math.Tanh).ToArray(), x.Tanh());
        Close(x.ToArray<double>().Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), x.Sigmoid());
        Close([0, 0, 0.5, 2], x.Relu());
        // exact GELU: x * Phi(x); Phi(-1) = 0.158655, Phi(0.5) = 0.691462, Phi(2) = 0.977250
        Close([-0.158655254, 0, 0.345731, 1.954500], x.Gelu(), 1e-6);
        Close([0, 0, 0.5, 1], x.Clamp(0, 1));
        Close([-1, 0, 0, 2], x.Round());
        Close([0, 0.25, 4], D(0, 0.5, 2).Square());
        Close([1, 2], D(1, 4).Sqrt());
    }

    [Fact]
    public void InPlaceOpsChangeTheSameTensor()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(1, 2);
        var same = x.Mul_(3).Add_(1).Sub_(T(1, 1)).Div_(3);
        Assert.Same(x, same);
        Close([1, 2], x);
        x.Fill_(5).Clamp_(null, 4);
        Close([4, 4], x);
        x.Zero_();
        Close([0, 0], x);
    }

    [Fact]
    public void ComparisonsProduceBoolMasks()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(1, 2, 3);
        Assert.Equal(new[] { false, false, true }, (x > 2).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, (x <= T(1, 2, 2)).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, x.Eq(2).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, (!x.Eq(2)).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, ((x > 1) & (x < 4)).ToArray<bool>());
        Close([10, 2, 3], Tensor.Where(x.Eq(1), T(10, 10, 10), x));
        Assert.True(x.AllClose(T(1, 2, 3.000001f)));
        Assert.False(x.AllClose(T(1, 2, 3.1f)));
    }

    [Fact]
    public void ReductionsMatchHandComputedValues()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(21, x.Sum().Item<double>());
        Close([5, 7, 9], x.Sum(0));
        Close([6, 15], x.Sum(1, keepDim: true));
        Assert.Equal(new long[] { 2, 1 }, x.Sum(1, keepDim: true).Shape);
        Close([2, 5], x.Mean(1));
        Assert.Equal(3.5, x.Mean().Item<double>());
        Assert.Equal(720, x.Prod().Item<double>());
        Assert.Equal(6, x.Max().Item<double>());
        Assert.Equal(1, x.Min().Item<double>());
        Close([3, 6], x.Amax(1));
        Close([1, 1], x.Var([1]));                       // unbiased: ((1)^2 + 0 + 1)/2
        Close([Math.Sqrt(2.0 / 3), Math.Sqrt(2.0 / 3)], x.Std([1], unbiased: false));
        Close([Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3))], x.LogSumExp(1).Narrow(0, 0, 1));
        Close([Math.Sqrt(91)], x.Norm().Reshape(1));
        Assert.Equal(5, x.ArgMax().Item<long>());
        Assert.Equal(new long[] { 2, 2 }, x.ArgMax(1).ToArray<long>());
        var (values, indices) = x.Max(0);
        Close([4, 5, 6], values);
        Assert.Equal(new long[] { 1, 1, 1 }, indices.ToArray<long>());
        Close([1, 3, 6, 4, 9, 15], x.CumSum(1));
        Assert.True(x.Gt(0).All().Item<bool>());
        Assert.False(x.Gt(5).All().Item<bool>());
        Assert.True(x.Gt(5).Any().Item<bool>());
    }

    [Fact]
    public void MatMulMatchesHandComputedProduct()
    {
        using var scope = TorchRuntime.NewScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = Tensor.FromArray(new float[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        Close([58, 64, 139, 154], a.MatMul(b));
        var batched = a.Unsqueeze(0).Expand(4, 2, 3).Bmm(b.Unsqueeze(0).Expand(4, 3, 2));
        Assert.Equal(new long[] { 4, 2, 2 }, batched.Shape);
        Close([58, 64, 139, 154], batched[3]);
    }
}
