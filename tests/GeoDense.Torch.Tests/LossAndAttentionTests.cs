using static GeoDense.Torch.Tests.Assertions;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

public class LossAndAttentionTests
{
    private static readonly double Ln2 = Math.Log(2);

    [Fact]
    public void CrossEntropyMatchesHandComputedValues()
    {
        using var scope = TorchRuntime.NewScope();
        // p = softmax([0, ln 3]) = [0.25, 0.75]
        var logits = Tensor.FromArray(new double[] { 0, Math.Log(3), 0, 0 }, 2, 2);
        var target = Tensor.FromArray(new long[] { 1, 0 });
        Close([-Math.Log(0.75), Ln2], F.CrossEntropy(logits, target, reduction: Reduction.None));
        Close((-Math.Log(0.75) + Ln2) / 2, F.CrossEntropy(logits, target).Item<double>());
        // ignore_index drops the second sample from the mean
        Close(-Math.Log(0.75), F.CrossEntropy(logits, Tensor.FromArray(new long[] { 1, -1 }), ignoreIndex: -1).Item<double>());
        // class weights: weighted mean sum(w_t * l) / sum(w_t)
        var weight = Tensor.FromArray(new double[] { 3, 1 });
        Close((1 * -Math.Log(0.75) + 3 * Ln2) / 4, F.CrossEntropy(logits, target, weight).Item<double>());
        // label smoothing 0.1: 0.9 * nll + 0.1 * mean over classes of -log p
        var smoothed = 0.9 * -Math.Log(0.75) + 0.1 * (Math.Log(4) - Math.Log(0.75)) / 2;
        Close(smoothed, F.CrossEntropy(logits.Narrow(0, 0, 1), target.Narrow(0, 0, 1), labelSmoothing: 0.1).Item<double>());
        // probability targets
        var soft = Tensor.FromArray(new double[] { 0.5, 0.5 }, 1, 2);
        Close(0.5 * Math.Log(4) + 0.5 * -Math.Log(0.75), F.CrossEntropy(logits.Narrow(0, 0, 1), soft).Item<double>());
    }

    [Fact]
    public void RegressionLossesMatchDefinitions()
    {
        using var scope = TorchRuntime.NewScope();
        var input = D(0.5, 2, 0.2);
        var zero = D(0, 0, 0);
        Close([0.125, 1.5, 0.02], F.SmoothL1Loss(input, zero, Reduction.None));            // beta 1
        Close([0.25, 1.75, 0.04], F.SmoothL1Loss(input, zero, Reduction.None, beta: 0.5));  // |d| >= beta: |d| - beta/2
        Close(2.7, F.L1Loss(input, zero, Reduction.Sum).Item<double>());
        Close((0.25 + 4 + 0.04) / 3, F.MseLoss(input, zero).Item<double>());
    }

    [Fact]
    public void BinaryAndNllLossesMatchDefinitions()
    {
        using var scope = TorchRuntime.NewScope();
        Close([Ln2, Math.Log(1 + Math.Exp(2))], F.BinaryCrossEntropyWithLogits(D(0, 2), D(1, 0), reduction: Reduction.None));
        Close([2 * Ln2], F.BinaryCrossEntropyWithLogits(D(0), D(1), posWeight: D(2), reduction: Reduction.None));
        Close(Ln2, F.BinaryCrossEntropy(D(0.5), D(1)).Item<double>());
        var logp = Tensor.FromArray(new double[] { -1, -2, -3, -4 }, 2, 2);
        Close(3, F.NllLoss(logp, Tensor.FromArray(new long[] { 1, 1 })).Item<double>());
    }

    [Fact]
    public void InferenceAttentionOnHeadSplitViewsEqualsTheExplicitMath()
    {
        // The shape LeMeViT feeds it: q, k, v are strided views of one packed [B, n, 3, heads, d] projection.
        // fp32 without gradients runs on oneDNN's batched matmul where the shim has it (CPU builds on Debian),
        // and returns a view whose heads merge without a copy.
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(7);
        var packed = random.Randn([2, 10, 3, 4, 8], ScalarType.Float32).Permute(2, 0, 3, 1, 4);   // [3, B, h, n, d]
        var metaPacked = random.Randn([2, 5, 3, 4, 8], ScalarType.Float32).Permute(2, 0, 3, 1, 4);
        var (q, k, v) = (packed.Select(0, 0), metaPacked.Select(0, 1), metaPacked.Select(0, 2));
        foreach (var scale in new double?[] { null, 0.3 })
        {
            var fast = F.ScaledDotProductAttention(q, k, v, scale: scale);
            var math = F.ScaledDotProductAttention(q, k, v, scale: scale, fused: false);
            Assert.Equal(new long[] { 2, 4, 10, 8 }, fast.Shape);
            Assert.True(fast.AllClose(math, 1e-5, 1e-6));
        }
        // and the image tokens' side: many queries, few keys
        var back = F.ScaledDotProductAttention(metaPacked.Select(0, 0), packed.Select(0, 1), packed.Select(0, 2));
        Assert.True(back.AllClose(F.ScaledDotProductAttention(metaPacked.Select(0, 0), packed.Select(0, 1), packed.Select(0, 2), fused: false), 1e-5, 1e-6));
    }

    [Fact]
    public void LongSequencesAttendInCacheSizedUnitsWithTheSameResult()
    {
        // One head's 700² scores are 1.96 MB of fp32: the oneDNN path splits each (image, head) into blocks of 93
        // query rows and a last one of 49 (~256 KB of scores each, own primitives for the last); rows of 700 keys
        // end in a partial vector of the softmax. The result must not depend on any of that.
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(8);
        var packed = random.Randn([2, 700, 3, 3, 16], ScalarType.Float32).Permute(2, 0, 3, 1, 4);   // [3, B, h, n, d]
        var (q, k, v) = (packed.Select(0, 0), packed.Select(0, 1), packed.Select(0, 2));
        var fast = F.ScaledDotProductAttention(q, k, v, scale: 0.2);
        var math = F.ScaledDotProductAttention(q, k, v, scale: 0.2, fused: false);
        Assert.Equal(new long[] { 2, 3, 700, 16 }, fast.Shape);
        Assert.True(fast.AllClose(math, 1e-5, 1e-6));
        // peaked scores: most exponentials underflow to 0 after the row's max is subtracted (scores of a few
        // hundred, so the products' own rounding, 30x amplified, moves the probabilities by ~1e-4)
        var peaked = F.ScaledDotProductAttention(q, k, v, scale: 30);
        var peakedMath = F.ScaledDotProductAttention(q, k, v, scale: 30, fused: false);
        Assert.True(peaked.AllClose(peakedMath, 1e-3, 1e-3), $"{Assertions.MaxAbsDiff(peaked, peakedMath)}");
    }

    [Fact]
    public void Bf16AttentionRoundsOnlyItsProbabilitiesAndResult()
    {
        // bf16 q, k, v (what autocast hands it): scores and softmax in fp32, probabilities rounded to bf16 for the
        // second product, a bf16 result; within bf16's rounding of the fp32 computation on the same inputs.
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(9);
        foreach (var (n, m) in new[] { (196, 196), (300, 16), (16, 300) })
        {
            var packed = random.Randn([3, n, 3, 5, 32], ScalarType.Float32).To(ScalarType.BFloat16).Permute(2, 0, 3, 1, 4);
            var keys = random.Randn([3, m, 3, 5, 32], ScalarType.Float32).To(ScalarType.BFloat16).Permute(2, 0, 3, 1, 4);
            var (q, k, v) = (packed.Select(0, 0), keys.Select(0, 1), keys.Select(0, 2));
            var fast = F.ScaledDotProductAttention(q, k, v, scale: 0.18);
            Assert.Equal(ScalarType.BFloat16, fast.DType);
            var exact = F.ScaledDotProductAttention(q.To(ScalarType.Float32), k.To(ScalarType.Float32), v.To(ScalarType.Float32), scale: 0.18, fused: false);
            Assert.True(Assertions.MaxAbsDiff(fast.To(ScalarType.Float32), exact) < 0.02, $"{n}x{m}: {Assertions.MaxAbsDiff(fast.To(ScalarType.Float32), exact)}");
        }
    }

    [Fact]
    public void AttentionEqualsSoftmaxOfScaledScoresTimesValues()
    {
        using var scope = TorchRuntime.NewScope();
        var random = new SeededTensors(5);
        var q = random.Randn([2, 3, 4, 8], ScalarType.Float64);
        var k = random.Randn([2, 3, 6, 8], ScalarType.Float64);
        var v = random.Randn([2, 3, 6, 5], ScalarType.Float64);
        var expected = F.Softmax(q.MatMul(k.Transpose(-2, -1)) * (1 / Math.Sqrt(8)), -1).MatMul(v);
        Assert.True(F.ScaledDotProductAttention(q, k, v, fused: false).AllClose(expected, 1e-10, 1e-12));
        Assert.True(F.ScaledDotProductAttention(q, k, v, fused: true).AllClose(expected, 1e-10, 1e-12));
        var scaled = F.Softmax(q.MatMul(k.Transpose(-2, -1)) * 0.7, -1).MatMul(v);
        Assert.True(F.ScaledDotProductAttention(q, k, v, scale: 0.7, fused: false).AllClose(scaled, 1e-10, 1e-12));
        Assert.True(F.ScaledDotProductAttention(q, k, v, scale: 0.7, fused: true).AllClose(scaled, 1e-10, 1e-12));
    }

    [Fact]
    public void AttentionMasks()
    {
        using var scope = TorchRuntime.NewScope();
        var q = Tensor.Ones([1, 2, 2], ScalarType.Float64);
        var k = Tensor.Ones([1, 2, 2], ScalarType.Float64);
        var v = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 1, 2, 2);
        // causal: query 0 sees key 0 only; query 1 averages both (equal scores)
        Close([1, 2, 2, 3], F.ScaledDotProductAttention(q, k, v, isCausal: true, fused: false));
        Close([1, 2, 2, 3], F.ScaledDotProductAttention(q, k, v, isCausal: true, fused: true));
        // bool mask: true = may attend
        var mask = Tensor.FromArray(new[] { false, true, true, true }, 2, 2);
        Close([3, 4, 2, 3], F.ScaledDotProductAttention(q, k, v, mask, fused: false));
        Close([3, 4, 2, 3], F.ScaledDotProductAttention(q, k, v, mask, fused: true));
    }
}
