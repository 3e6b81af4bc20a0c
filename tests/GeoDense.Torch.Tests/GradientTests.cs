using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

public class GradientTests
{
    private readonly SeededTensors _random = new(2024);

    private Tensor R(params long[] shape) => _random.Randn(shape, ScalarType.Float64);

    [Fact]
    public void Linear() => GradCheck.Check(a => F.Linear(a[0], a[1], a[2]), R(3, 4), R(2, 4), R(2));

    [Fact]
    public void Conv2dWithStridePaddingGroups()
    {
        GradCheck.Check(a => F.Conv2d(a[0], a[1], a[2], stride: 2, padding: 1), R(1, 2, 5, 5), R(3, 2, 3, 3), R(3));
        GradCheck.Check(a => F.Conv2d(a[0], a[1], null, stride: 1, padding: 1, dilation: 2, groups: 2), R(1, 4, 5, 5), R(4, 2, 3, 3));
    }

    [Fact]
    public void LayerNorm() => GradCheck.Check(a => F.LayerNorm(a[0], [4], a[1], a[2]), R(3, 4), R(4), R(4));

    [Fact]
    public void AttentionMathAndFused()
    {
        GradCheck.Check(a => F.ScaledDotProductAttention(a[0], a[1], a[2], fused: false), R(2, 3, 4), R(2, 5, 4), R(2, 5, 4));
        GradCheck.Check(a => F.ScaledDotProductAttention(a[0], a[1], a[2], scale: 0.3, fused: true), R(2, 3, 4), R(2, 5, 4), R(2, 5, 4));
    }

    [Fact]
    public void CrossEntropyWithWeightsIgnoreIndexAndSmoothing()
    {
        using var target = Tensor.FromArray(new long[] { 0, 2, -100, 1 });
        using var weight = Tensor.FromArray(new double[] { 1, 2, 0.5 });
        GradCheck.Check(a => F.CrossEntropy(a[0], target, weight, labelSmoothing: 0.1), R(4, 3));
        using var pixels = Tensor.FromArray(new long[] { 0, 1, 2, 5 }, 1, 2, 2);
        GradCheck.Check(a => F.CrossEntropy(a[0], pixels, ignoreIndex: 5), R(1, 3, 2, 2));
    }

    [Fact]
    public void RegressionAndBinaryLosses()
    {
        using var target = Tensor.FromArray(new double[] { 0.1, -0.4, 2, 0.7 });
        // Inputs chosen away from the kinks of |x| and the beta switch of smooth-L1.
        using var input = Tensor.FromArray(new double[] { 0.5, 0.3, -1, 0.65 });
        GradCheck.Check(a => F.SmoothL1Loss(a[0], target, beta: 0.5), input);
        GradCheck.Check(a => F.L1Loss(a[0], target), input);
        GradCheck.Check(a => F.MseLoss(a[0], target, Reduction.Sum), input);
        using var labels = Tensor.FromArray(new double[] { 1, 0, 1, 0 });
        GradCheck.Check(a => F.BinaryCrossEntropyWithLogits(a[0], labels), input);
        using var classes = Tensor.FromArray(new long[] { 1, 0 });
        GradCheck.Check(a => F.NllLoss(F.LogSoftmax(a[0], 1), classes), R(2, 3));
    }

    [Fact]
    public void NormsPoolingInterpolation()
    {
        GradCheck.Check(a => F.GroupNorm(a[0], 2, a[1], a[2]), R(2, 4, 2, 2), R(4), R(4));
        GradCheck.Check(a => F.Interpolate(a[0], size: (5, 3), mode: InterpolationMode.Bilinear), R(1, 1, 3, 2));
        GradCheck.Check(a => F.AdaptiveAvgPool2d(a[0], 2), R(1, 2, 4, 3));
        GradCheck.Check(a => F.Gelu(a[0]).Softmax(-1), R(2, 3));
    }
}
