using System.Text.Json;
using GeoDense.Torch.Checkpoints;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

/// <summary>Deformable convolution (src/Native/ops_deform_conv.cpp): analytic cases, finite differences, torchvision's values.</summary>
public class DeformConvTests
{
    private readonly SeededTensors _random = new(77);

    private Tensor R(params long[] shape) => _random.Randn(shape, ScalarType.Float64);

    private static long OutSize(long size, long k, long s, long p, long d) => (size + 2 * p - d * (k - 1) - 1) / s + 1;

    [Theory]
    [InlineData(2, 2, 0, 1, 1, 1)]   // LIT's token merging
    [InlineData(3, 1, 1, 1, 2, 2)]   // padding, weight groups, deformable groups
    [InlineData(3, 2, 2, 2, 1, 1)]   // stride and dilation
    public void ZeroOffsetsAreAnOrdinaryConvolution(int k, int stride, int padding, int dilation, int groups, int deformGroups)
    {
        using var scope = TorchRuntime.NewScope();
        var x = R(2, 4, 7, 6);
        var w = R(6, 4 / groups, k, k);
        var b = R(6);
        var offset = Tensor.Zeros([2, 2 * deformGroups * k * k, OutSize(7, k, stride, padding, dilation), OutSize(6, k, stride, padding, dilation)], ScalarType.Float64);
        var expected = F.Conv2d(x, w, b, stride, padding, dilation, groups);
        var actual = F.DeformConv2d(x, offset, w, b, (stride, stride), (padding, padding), (dilation, dilation), groups, deformGroups);
        Assertions.Close(expected.ToArray<double>(), actual, 1e-12);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(-2, 1)]
    [InlineData(3, -3)]
    public void IntegerOffsetsShiftTheSamplingGrid(int dy, int dx)
    {
        using var scope = TorchRuntime.NewScope();
        const int k = 3, p = 1, big = 6;
        var x = R(1, 2, 6, 5);
        var w = R(3, 2, k, k);
        var offsetValues = new double[2 * k * k * 6 * 5];
        for (var tap = 0; tap < k * k; tap++)
            for (var q = 0; q < 30; q++) (offsetValues[(2 * tap) * 30 + q], offsetValues[(2 * tap + 1) * 30 + q]) = (dy, dx);
        var offset = Tensor.FromArray(offsetValues, 1, 2 * k * k, 6, 5);
        // every tap reads x[ho - p + i + dy, wo - p + j + dx] (zero outside): a plain conv over a zero-padded, shifted window
        var padded = F.Pad(x, [big, big, big, big]);
        var shifted = F.Conv2d(padded, w, null, 1).Narrow(2, big - p + dy, 6).Narrow(3, big - p + dx, 5);
        var actual = F.DeformConv2d(x, offset, w, null, padding: (p, p));
        Assertions.Close(shifted.ToArray<double>(), actual, 1e-12);
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesForAllInputs()
    {
        // fractional offsets (never on a grid line, where bilinear sampling has a kink), some reaching past the borders
        var offset = R(1, 2 * 2 * 9, 4, 4).Mul(1.7);
        GradCheck.Check(a => F.DeformConv2d(a[0], a[1], a[2], a[3], padding: (1, 1), groups: 2, deformGroups: 2), 1e-5,
            R(1, 4, 4, 4), offset, R(4, 2, 3, 3), R(4));
        GradCheck.Check(a => F.DeformConv2d(a[0], a[1], a[2], a[3], stride: (2, 2)), 1e-5,
            R(2, 3, 5, 4), R(2, 8, 2, 2).Mul(1.3), R(2, 3, 2, 2), R(2));
    }

    [Fact]
    public void OutputAndGradientsEqualTorchvision()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "deform-conv", "torchvision.safetensors");
        var content = Safetensors.Read(path);
        using var cases = JsonDocument.Parse(content.Metadata["cases"]);
        var n = 0;
        foreach (var c in cases.RootElement.EnumerateArray())
        {
            using var scope = TorchRuntime.NewScope();
            Tensor Get(string name)
            {
                var data = content.Tensors[$"case{n}.{name}"];
                return Tensor.FromBytes(data.DType, data.Shape, data.Data.Span);
            }
            int I(string name) => c.GetProperty(name).GetInt32();
            var (x, offset, w, b) = (Get("input").RequiresGrad_(), Get("offset").RequiresGrad_(), Get("weight").RequiresGrad_(), Get("bias").RequiresGrad_());
            var y = F.DeformConv2d(x, offset, w, b, (I("stride"), I("stride")), (I("padding"), I("padding")), (I("dilation"), I("dilation")),
                I("groups"), I("deform_groups"));
            Assertions.Close(Get("output").ToArray<double>(), y, 1e-10);
            y.Mul(Get("projection")).Sum().Backward();
            Assertions.Close(Get("grad_input").ToArray<double>(), x.Grad!, 1e-10);
            Assertions.Close(Get("grad_offset").ToArray<double>(), offset.Grad!, 1e-10);
            Assertions.Close(Get("grad_weight").ToArray<double>(), w.Grad!, 1e-10);
            Assertions.Close(Get("grad_bias").ToArray<double>(), b.Grad!, 1e-10);
            n++;
        }
        Assert.Equal(3, n);
    }

    [Fact]
    public void RunsInInferenceModeAndInFloat32()
    {
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var x = R(1, 2, 4, 4).Float();
        var w = R(3, 2, 2, 2).Float();
        var offset = Tensor.Zeros([1, 8, 2, 2], ScalarType.Float32);
        var y = F.DeformConv2d(x, offset, w, null, stride: (2, 2));
        Assertions.Close(F.Conv2d(x, w, null, 2).To(ScalarType.Float64).ToArray<double>(), y, 1e-6);
    }

    [Fact]
    public void ABadOffsetShapeIsAnErrorNotACrash()
    {
        using var scope = TorchRuntime.NewScope();
        var ex = Assert.Throws<TorchException>(() => F.DeformConv2d(R(1, 2, 4, 4), R(1, 6, 2, 2), R(3, 2, 2, 2), null, stride: (2, 2)));
        Assert.Contains("offset must be", ex.Message);
    }

    [Fact]
    public void NaNOffsetsSampleNothingInsteadOfReadingOutsideTheImage()
    {
        // a diverged offset predictor gives NaN: every sample counts as outside (zero), forward and backward
        using var scope = TorchRuntime.NewScope();
        var x = R(1, 2, 6, 6).RequiresGrad_();
        var w = R(3, 2, 2, 2).RequiresGrad_();
        var offset = Tensor.Full([1, 8, 3, 3], double.NaN, ScalarType.Float64).RequiresGrad_();
        var y = F.DeformConv2d(x, offset, w, null, stride: (2, 2));
        Assert.Equal(0.0, y.Abs().Max().Item<double>());
        y.Sum().Backward();
        Assert.Equal(0.0, x.Grad!.Abs().Max().Item<double>());
        Assert.Equal(0.0, w.Grad!.Abs().Max().Item<double>());
    }
}
