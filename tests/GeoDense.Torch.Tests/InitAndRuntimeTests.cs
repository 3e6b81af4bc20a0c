using GeoDense.Torch.NN;
using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class InitAndRuntimeTests
{
    [Fact]
    public void InitialisersFollowTorchNnInitFormulas()
    {
        using var scope = TorchRuntime.NewScope();
        TorchRuntime.ManualSeed(11);
        var w = Tensor.Empty(256, 128, 3, 3);
        Assert.Equal((128L * 9, 256L * 9), Init.Fans(w));

        Init.KaimingNormal_(w, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
        Close(Math.Sqrt(2.0 / (256 * 9)), w.Std().Item<double>(), 0.01);

        Init.KaimingUniform_(w, a: Math.Sqrt(5));
        var bound = Math.Sqrt(3.0) * Math.Sqrt(2.0 / 6) / Math.Sqrt(128 * 9);   // = 1/sqrt(fan_in)
        Assert.True(w.Abs().Max().Item<double>() <= bound);
        Close(bound / Math.Sqrt(3), w.Std().Item<double>(), 0.01);               // std of U(-b, b)

        Init.XavierUniform_(w);
        Assert.True(w.Abs().Max().Item<double>() <= Math.Sqrt(6.0 / (128 * 9 + 256 * 9)));

        var t = Tensor.Empty(100_000);
        Init.TruncNormal_(t, std: 0.02);
        Assert.True(t.Abs().Max().Item<double>() <= 2.0);        // bounds are absolute (a=-2, b=2)
        Close(0.02, t.Std().Item<double>(), 0.02);
        Init.TruncNormal_(t, mean: 0, std: 1, a: -1, b: 1);
        Assert.True(t.Abs().Max().Item<double>() <= 1.0);
        Close(0.5379, t.Std().Item<double>(), 0.02);             // std of N(0,1) truncated to [-1, 1]

        Init.Constant_(t, 0.5);
        Close(0.5, t.Mean().Item<double>());
    }

    [Fact]
    public void InitialisersWorkOnParametersThatRequireGrad()
    {
        using var p = new Parameter(Tensor.Empty(4, 4));
        Init.Zeros_(p);
        Init.Normal_(p, 0, 1);
        Init.TruncNormal_(p, std: 0.02);
        Assert.True(p.RequiresGrad);
        Assert.True(p.IsLeaf);
    }

    [Fact]
    public void ReducedPrecisionModelsRunOnCpu()
    {
        using var linear = new Linear(4, 2);
        using var scope = TorchRuntime.NewScope();
        Init.Constant_(linear.Weight, 0.25);
        Init.Constant_(linear.Bias!, -0.5);
        linear.To(ScalarType.BFloat16);
        var y = linear.Forward(Tensor.Ones(3, 4).To(ScalarType.BFloat16));
        Assert.Equal(ScalarType.BFloat16, y.DType);
        Assert.Equal(new long[] { 3, 2 }, y.Shape);
        Close([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], y);   // 4 x 0.25 - 0.5, exact in bfloat16
    }

    [Fact]
    public void CudaMovesWorkWhenAvailable()
    {
        if (!TorchRuntime.CudaIsAvailable())
        {
            Assert.Equal(0, TorchRuntime.CudaDeviceCount());
            Assert.Throws<TorchException>(() => Tensor.Ones(2).To(Device.Cuda));
            return;
        }
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.Ones(2).Cuda();
        Assert.True(x.Device.IsCuda);
        Close([2, 2], (x * 2).Cpu());
    }

    [Fact]
    public void ConvTransposeAndGroupNormModulesHavePyTorchShapes()
    {
        using var up = new ConvTranspose2d(8, 4, 2, stride: 2);
        using var gn = new GroupNorm(2, 4);
        Assert.Equal(new long[] { 8, 4, 2, 2 }, up.Weight.Shape);
        Assert.Equal(["weight", "bias"], up.StateDict().Keys);
        using var scope = TorchRuntime.NewScope();
        var y = gn.Forward(up.Forward(Tensor.Randn(1, 8, 3, 3)));
        Assert.Equal(new long[] { 1, 4, 6, 6 }, y.Shape);
        Close(0, y.Mean().Item<double>(), 1e-5);
    }
}

/// <summary>The intra-op thread count is process-wide: changing it while other tests run would slow them down.</summary>
[Collection(SerialCollection.Name)]
public class ThreadCountTests
{
    [Fact]
    public void ThreadCountIsSettable()
    {
        var previous = TorchRuntime.GetNumThreads();
        TorchRuntime.SetNumThreads(1);
        Assert.Equal(1, TorchRuntime.GetNumThreads());
        TorchRuntime.SetNumThreads(previous);
        Assert.Equal(previous, TorchRuntime.GetNumThreads());
        Assert.Matches(@"^[12]\.\d+", TorchRuntime.TorchVersion);
    }

    [Fact]
    public void ShimKernelsGiveTheSameResultOnAnyThreadCount()
    {
        // The int8 linear runs its blocks one per thread when there are at least two per thread, else each block on
        // all threads; the attention splits its work by cache size. Neither may change the numbers.
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(12);
        var x = random.Randn([12000, 100]).To(ScalarType.BFloat16);  // 5 blocks of 2621 rows
        var (weight, bias) = (random.Randn([24, 100]).Mul(0.1), random.Randn([24]));
        var packed = random.Randn([2, 300, 3, 3, 16], ScalarType.Float32).Permute(2, 0, 3, 1, 4);
        var previous = TorchRuntime.GetNumThreads();
        try
        {
            var results = new[] { 1, 2, 4 }.Select(threads =>
            {
                TorchRuntime.SetNumThreads(threads);
                var linear = Functional.HasFastInt8Linear ? Functional.InferenceLinear(x, weight, bias, int8: true).To(ScalarType.Float32) : null;
                return (linear, attention: Functional.ScaledDotProductAttention(packed.Select(0, 0), packed.Select(0, 1), packed.Select(0, 2), scale: 0.3));
            }).ToList();
            foreach (var (linear, attention) in results.Skip(1))
            {
                if (linear is not null) Assert.Equal(0, MaxAbsDiff(linear, results[0].linear!));
                Assert.Equal(0, MaxAbsDiff(attention, results[0].attention));
            }
        }
        finally
        {
            TorchRuntime.SetNumThreads(previous);
        }
    }
}
