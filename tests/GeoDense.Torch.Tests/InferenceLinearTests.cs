using static GeoDense.Torch.Tests.Assertions;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

/// <summary>
/// The oneDNN inference linear (F.InferenceLinear / InferenceLinearAdd_) against libtorch's linear, and the CPU
/// allocator that recycles large blocks. Skipped parts say so: builds without oneDNN have no such linear.
/// </summary>
public class InferenceLinearTests
{
    [Fact]
    public void LinearGeluAndResidualEqualTheUnfusedOps()
    {
        Assert.True(F.HasOneDnnLinear, "this CPU build of the shim links oneDNN (libdnnl-dev at setup)");
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(11);
        var tokens = random.Randn([3, 37, 24]);
        var weight = random.Randn([40, 24]);
        var bias = random.Randn([40]);

        Assert.True(MaxAbsDiff(F.InferenceLinear(tokens, weight, bias), F.Linear(tokens, weight, bias)) < 1e-5);
        Assert.True(MaxAbsDiff(F.InferenceLinear(tokens, weight), F.Linear(tokens, weight)) < 1e-5);
        var gelu = F.InferenceLinear(tokens, weight, bias, gelu: true);
        Assert.Equal(new long[] { 3, 37, 40 }, gelu.Shape);
        Assert.True(MaxAbsDiff(gelu, F.Linear(tokens, weight, bias).Gelu()) < 1e-5);

        // residual += x Wᵀ + b in place: the same tensor comes back, holding the sum
        var residual = random.Randn([3, 37, 40]);
        var expected = residual.Add(F.Linear(tokens, weight, bias));
        var returned = F.InferenceLinearAdd_(residual, tokens, weight, bias);
        Assert.Same(residual, returned);
        Assert.True(MaxAbsDiff(residual, expected) < 1e-5);
    }

    [Fact]
    public void AWeightChangedInPlaceIsPackedAgain()
    {
        // Weights are packed once per (storage, version): validation between optimizer steps must see each step.
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(15);
        var tokens = random.Randn([2, 20, 16]);
        var weight = random.Randn([8, 16]);
        var first = F.InferenceLinear(tokens, weight);
        weight.Mul_(2);
        Assert.True(MaxAbsDiff(F.InferenceLinear(tokens, weight), first.Mul(2)) < 1e-5);
        weight.Copy_(random.Randn([8, 16]));   // a weight load
        Assert.True(MaxAbsDiff(F.InferenceLinear(tokens, weight), F.Linear(tokens, weight)) < 1e-5);
        for (var i = 0; i < 20; i++)   // fresh weights of one shape, freed in turn: never another weight's packing
        {
            using var fresh = random.Randn([8, 16]);
            Assert.True(MaxAbsDiff(F.InferenceLinear(tokens, fresh), F.Linear(tokens, fresh)) < 1e-5);
        }
    }

    [Fact]
    public void StridedTokensAreReadAsTheyAre()
    {
        // Attention hands over merged heads as a transposed view; the linear must see the logical values.
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(12);
        var tokens = random.Randn([2, 24, 9]).Transpose(1, 2);   // [2, 9, 24], last dim strided
        var weight = random.Randn([16, 24]);
        Assert.True(MaxAbsDiff(F.InferenceLinear(tokens, weight), F.Linear(tokens.Contiguous(), weight)) < 1e-5);
    }

    [Fact]
    public void Bf16AutocastRunsTheProductInBf16()
    {
        if (!ReducedPrecision.CpuHasBf16) return;   // bf16 is refused on such CPUs before any model runs
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(13);
        var tokens = random.Randn([4, 50, 64]);
        var weight = random.Randn([32, 64]).Mul(0.1);
        var reference = F.Linear(tokens, weight).Gelu();
        Tensor fast;
        using (TorchRuntime.Autocast(Device.Cpu, ScalarType.BFloat16)) fast = F.InferenceLinear(tokens, weight, gelu: true);
        Assert.Equal(ScalarType.BFloat16, fast.DType);
        Assert.True(MaxAbsDiff(fast, reference) < 0.05);   // bf16 keeps ~3 significant digits of values up to ~3
    }

    [Fact]
    public void InferenceLayerNormOfBf16TokensStaysBf16AndMatchesFp32()
    {
        // The bf16 path's norm: bf16 rows, fp32 weights, one pass; equal to the fp32 norm up to bf16 rounding.
        using var scope = TorchRuntime.NewScope();
        using var norm = new GeoDense.Torch.NN.LayerNorm(48, eps: 1e-6);
        using (TorchRuntime.NoGrad())
        {
            norm.Weight!.Mul_(1.5);
            norm.Bias!.Add_(0.25);
        }
        var x = new SeededTensors(14).Randn([2, 30, 48]).Mul(3).Add(1).To(ScalarType.BFloat16);
        var expected = norm.Forward(x.To(ScalarType.Float32));
        using var noGrad = TorchRuntime.NoGrad();
        var y = norm.Forward(x);
        Assert.Equal(F.HasAvx512Kernels ? ScalarType.BFloat16 : ScalarType.Float32, y.DType);
        Assert.Equal(x.Shape, y.Shape);
        Assert.True(MaxAbsDiff(y, expected) < 0.02);   // |values| up to ~5: bf16 keeps ~2-3 decimals
    }

    [Theory]
    [InlineData(96)]    // whole vectors
    [InlineData(100)]   // a partial last vector
    [InlineData(7)]     // less than one vector
    public void InferenceLayerNormEqualsLibtorchs(int channels)
    {
        // CPU inference runs our own kernel (where the CPU has AVX-512); with autograd on, libtorch's runs: equal to 1e-5,
        // also for rows that are not dense (a strided view) and for rows far from zero mean (variance from the mean).
        using var scope = TorchRuntime.NewScope();
        using var norm = new GeoDense.Torch.NN.LayerNorm(channels, eps: 1e-6);
        using (TorchRuntime.NoGrad())
        {
            norm.Weight!.Copy_(new SeededTensors(15).Randn([channels]));
            norm.Bias!.Copy_(new SeededTensors(16).Randn([channels]));
        }
        var x = new SeededTensors(17).Randn([3, 41, channels * 2]).Mul(4).Add(50).Narrow(2, 0, channels);
        var reference = norm.Forward(x);   // parameters need gradients here: libtorch's kernel
        using var noGrad = TorchRuntime.NoGrad();
        var y = norm.Forward(x);
        Assert.Equal(ScalarType.Float32, y.DType);
        Assert.True(MaxAbsDiff(y, reference) < 1e-5, $"differs by {MaxAbsDiff(y, reference)}");
    }

    [Fact]
    public void InPlaceGeluOfADenseMapMatchesTheErfFormula()
    {
        // The stem's GELU: a channels-last map, in place, fp32 (parity) and bf16.
        using var scope = TorchRuntime.NewScope();
        var map = new SeededTensors(16).Randn([2, 6, 5, 7]).Mul(3).Permute(0, 2, 3, 1).Contiguous().Permute(0, 3, 1, 2);
        var expected = map.Gelu();   // with autograd on: libtorch's kernel
        using var noGrad = TorchRuntime.NoGrad();
        var fp32 = map.Clone();
        Assert.Same(fp32, fp32.Gelu_());
        Assert.True(MaxAbsDiff(fp32, expected) < 1e-5);
        var bf16 = map.To(ScalarType.BFloat16);
        bf16.Gelu_();
        Assert.True(MaxAbsDiff(bf16, expected) < 0.06);   // values up to ~10: bf16 rounding
    }

    [Fact]
    public void RecycledLargeBlocksNeverLeakOldValues()
    {
        // 24 MB tensors take the allocator's recycling path: a block freed with ones in it comes back for the
        // next request of its size, and zeros/arange must still write every element.
        using var scope = TorchRuntime.NewScope();
        const long n = 6L << 20;
        for (var round = 0; round < 3; round++)
        {
            using (var ones = Tensor.Ones(n)) Assert.Equal(n, ones.Sum().Item<double>());
            using var zeros = Tensor.Zeros(n);
            Assert.Equal(0.0, zeros.Abs().Max().Item<double>());
        }
        // Dropping the cache keeps later allocations working (fresh blocks again).
        Assert.True(TorchRuntime.ReleaseCachedCpuMemory() >= 0);
        using var again = Tensor.Ones(n);
        Assert.Equal(n, again.Sum().Item<double>());
    }
}
