using static GeoDense.Torch.Tests.Assertions;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

public class NnFunctionalTests
{
    private static Tensor Grid(long h, long w) => Tensor.Arange(0, h * w, 1, ScalarType.Float32).Reshape(1, 1, h, w);

    [Fact]
    public void LinearIsXWTransposePlusBias()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.FromArray(new float[] { 1, 2 }, 1, 2);
        var w = Tensor.FromArray(new float[] { 1, 0, 2, 3, -1, 1 }, 3, 2);
        var b = T(0.5f, 0, -1);
        Close([1.5, 8, 0], F.Linear(x, w, b));
        Close([1, 8, 1], F.Linear(x, w));
    }

    [Fact]
    public void Conv2dHandlesStridePaddingDilationGroups()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Grid(3, 3);
        var ones = Tensor.Ones(1, 1, 2, 2);
        Close([8, 12, 20, 24], F.Conv2d(x, ones));
        Close([0, 3, 9, 24], F.Conv2d(x, ones, null, stride: 2, padding: 1));
        Close([16], F.Conv2d(x, ones, null, stride: 1, padding: 0, dilation: 2));
        Close([18, 22, 30, 34], F.Conv2d(x, ones, T(10)));
        var twoChannels = Tensor.Cat([x, x], 1);
        var depthwise = Tensor.FromArray(new float[] { 2, 3 }, 2, 1, 1, 1);
        var y = F.Conv2d(twoChannels, depthwise, null, groups: 2);
        Close([.. Enumerable.Range(0, 9).Select(v => 2.0 * v), .. Enumerable.Range(0, 9).Select(v => 3.0 * v)], y);
    }

    [Fact]
    public void ConvTranspose2dScattersKernel()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.FromArray(new float[] { 1, 2 }, 1, 1, 1, 2);
        var w = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        // stride 2: each input pixel paints a scaled copy of the kernel, side by side.
        Close([1, 2, 2, 4, 3, 4, 6, 8], F.ConvTranspose2d(x, w, stride: (2, 2)));
        // stride 1: the copies overlap in the middle column.
        Close([1, 4, 4, 3, 10, 8], F.ConvTranspose2d(x, w));
    }

    [Fact]
    public void NormalisationsMatchFormulas()
    {
        using var scope = TorchRuntime.NewScope();
        var k = 1 / Math.Sqrt(2.0 / 3 + 1e-5);
        Close([-k, 0, k], F.LayerNorm(T(1, 2, 3), [3]), 1e-5);
        Close([-k * 2 + 1, 1, k * 2 + 1], F.LayerNorm(T(1, 2, 3), [3], T(2, 2, 2), T(1, 1, 1)), 1e-5);
        var g = 0.5 / Math.Sqrt(0.25 + 1e-5);
        Close([-g, g, -g, g], F.GroupNorm(T(1, 2, 3, 4).Reshape(1, 4, 1, 1), 2), 1e-5);
    }

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        using var scope = TorchRuntime.NewScope();
        var sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Close([Math.Exp(1) / sum, Math.Exp(2) / sum, Math.Exp(3) / sum], F.Softmax(T(1, 2, 3), 0));
        Close([1 - Math.Log(sum), 2 - Math.Log(sum), 3 - Math.Log(sum)], F.LogSoftmax(T(1, 2, 3), -1));
        Close([0.5, 0.5, 0.5, 0.5], F.Softmax(Tensor.Ones(2, 2), 1));
    }

    [Fact]
    public void DropoutZeroesOrScalesWhenTrainingOnly()
    {
        using var scope = TorchRuntime.NewScope();
        TorchRuntime.ManualSeed(1);
        var x = Tensor.Ones(10000);
        var y = F.Dropout(x, 0.5, training: true).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || v == 2));
        Assert.InRange(y.Count(v => v == 0), 4500, 5500);
        Close(x.ToArray<float>().Select(v => (double)v).ToArray(), F.Dropout(x, 0.5, training: false));
    }

    [Fact]
    public void InterpolateMatchesPyTorchConventions()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.FromArray(new float[] { 0, 1, 2, 3 }, 1, 1, 2, 2);
        var third = 1.0 / 3;
        var aligned = F.Interpolate(x, size: (4, 4), mode: InterpolationMode.Bilinear, alignCorners: true);
        Close([0, third, 2 * third, 1], aligned.Flatten().Narrow(0, 0, 4));
        var half = F.Interpolate(x, scaleFactor: 2, mode: InterpolationMode.Bilinear);
        Close([0, 0.25, 0.75, 1], half.Flatten().Narrow(0, 0, 4));
        var nearest = F.Interpolate(x, scaleFactor: 2);
        Close([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3], nearest);
        Assert.Equal(new long[] { 1, 1, 3, 5 }, F.Interpolate(x, size: (3, 5), mode: InterpolationMode.Bilinear).Shape);
    }

    [Fact]
    public void PoolingAndPadding()
    {
        using var scope = TorchRuntime.NewScope();
        var x = Grid(4, 4);
        Close([2.5, 4.5, 10.5, 12.5], F.AdaptiveAvgPool2d(x, 2));
        Close([7.5], F.AdaptiveAvgPool2d(x, 1));
        Close([5, 7, 13, 15], F.MaxPool2d(x, 2));
        Close([2.5, 4.5, 10.5, 12.5], F.AvgPool2d(x, 2));
        Close([10, 11, 14, 15], F.MaxPool2d(x, 3, stride: 1));
        Close([5, 7, 13, 15], F.AdaptiveMaxPool2d(x, (2, 2)));
        var row = T(1, 2, 3).Reshape(1, 1, 3);
        Close([0, 1, 2, 3, 0, 0], F.Pad(row, [1, 2]));
        Close([9, 1, 2, 3, 9], F.Pad(row, [1, 1], value: 9));
        Close([2, 1, 2, 3, 2], F.Pad(row, [1, 1], PaddingMode.Reflect));
        Close([1, 1, 2, 3, 3], F.Pad(row, [1, 1], PaddingMode.Replicate));
        Assert.Equal(new long[] { 1, 1, 6, 5 }, F.Pad(x, [0, 1, 2, 0]).Shape);
    }
}
