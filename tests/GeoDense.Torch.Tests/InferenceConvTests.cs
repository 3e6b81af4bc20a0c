using static GeoDense.Torch.Tests.Assertions;
using GeoDense.Torch.NN;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

/// <summary>
/// The oneDNN inference convolution (F.InferenceConv2d, Conv2d.InferOnOneDnn) against libtorch's conv2d, its int8
/// variant against the product of its quantized operands, and a conv + BatchNorm kept folded (FoldedConv2d).
/// </summary>
// Serial: Conv2d's default init draws from the global generator.
[Collection(SerialCollection.Name)]
public class InferenceConvTests
{
    [Theory]
    [InlineData(1, 2, 1, false)]   // a stride-2 downsampling conv
    [InlineData(1, 1, 1, true)]    // with GELU fused, from an NCHW input
    [InlineData(6, 1, 2, false)]   // depthwise, dilated
    public void Fp32EqualsLibtorchsConvolution(int groups, int stride, int dilation, bool gelu)
    {
        Assert.True(F.HasOneDnnLinear, "this CPU build of the shim links oneDNN (libdnnl-dev at setup)");
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(21);
        var x = random.Randn([2, 6, 13, 11]);
        var input = gelu ? x : x.Contiguous(MemoryFormat.ChannelsLast);
        var weight = random.Randn([12, 6 / groups, 3, 3]);
        var bias = random.Randn([12]);
        var expected = F.Conv2d(x, weight, bias, (stride, stride), (1, 1), (dilation, dilation), groups);
        if (gelu) expected = expected.Gelu();
        var got = F.InferenceConv2d(input, weight, bias, (stride, stride), (1, 1), (dilation, dilation), groups, gelu);
        Assert.Equal(expected.Shape, got.Shape);
        Assert.True(got.IsContiguousIn(MemoryFormat.ChannelsLast));
        Assert.True(MaxAbsDiff(got, expected) < 1e-4, $"differs by {MaxAbsDiff(got, expected)}");
        // and again, from the packed weight; without a bias too
        Assert.True(MaxAbsDiff(F.InferenceConv2d(input, weight, bias, (stride, stride), (1, 1), (dilation, dilation), groups, gelu), expected) < 1e-4);
        var unbiased = F.Conv2d(x, weight, null, (stride, stride), (1, 1), (dilation, dilation), groups);
        if (gelu) unbiased = unbiased.Gelu();
        Assert.True(MaxAbsDiff(F.InferenceConv2d(input, weight, null, (stride, stride), (1, 1), (dilation, dilation), groups, gelu), unbiased) < 1e-4);
        // an empty batch gives an empty result
        Assert.Equal(0, F.InferenceConv2d(x.Narrow(0, 0, 0), weight, bias, (stride, stride), (1, 1), (dilation, dilation), groups, gelu).Shape[0]);
    }

    [Fact]
    public void AResidualIsAddedInTheEpilogue()
    {
        // LeMeViT's position encoding: x + depthwise_conv(x), with x channels-last (fp32) or bf16 (int8 / bf16 runs)
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(25);
        var x = random.Randn([2, 8, 9, 7]).Contiguous(MemoryFormat.ChannelsLast);
        var weight = random.Randn([8, 1, 3, 3]);
        var bias = random.Randn([8]);
        var expected = F.Conv2d(x, weight, bias, (1, 1), (1, 1), (1, 1), 8).Add(x);
        var got = F.InferenceConv2d(x, weight, bias, (1, 1), (1, 1), (1, 1), 8, residual: x);
        Assert.True(MaxAbsDiff(got, expected) < 1e-5, $"differs by {MaxAbsDiff(got, expected)}");
        // an NCHW residual, after GELU
        var plain = x.Contiguous();
        Assert.True(MaxAbsDiff(F.InferenceConv2d(x, weight, bias, (1, 1), (1, 1), (1, 1), 8, gelu: true, residual: plain),
            F.Conv2d(x, weight, bias, (1, 1), (1, 1), (1, 1), 8).Gelu().Add(x)) < 1e-5);
        var bf16 = x.To(ScalarType.BFloat16);
        var fromBf16 = F.InferenceConv2d(bf16, weight, bias, (1, 1), (1, 1), (1, 1), 8, residual: bf16);
        Assert.Equal(ScalarType.BFloat16, fromBf16.DType);
        Assert.True(MaxAbsDiff(fromBf16, expected) < 0.05 * MaxAbs(expected), $"differs by {MaxAbsDiff(fromBf16, expected)}");
        var wrongShape = Assert.Throws<TorchException>(() => F.InferenceConv2d(x, weight, bias, (2, 2), (1, 1), (1, 1), 8, residual: x));
        Assert.Contains("residual", wrongShape.Message);
    }

    [Fact]
    public void UnderBf16AutocastTheResultIsBf16()
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(22);
        var x = random.Randn([2, 8, 10, 10]);
        var weight = random.Randn([16, 8, 3, 3]).Mul(0.1);
        var expected = F.Conv2d(x, weight, null, (2, 2), (1, 1));
        Tensor got;
        using (TorchRuntime.Autocast(Device.Cpu, ScalarType.BFloat16)) got = F.InferenceConv2d(x, weight, null, (2, 2), (1, 1), (1, 1));
        Assert.Equal(ScalarType.BFloat16, got.DType);
        Assert.True(MaxAbsDiff(got, expected) < 0.02 * MaxAbs(expected), $"differs by {MaxAbsDiff(got, expected)}");
    }

    [Fact]
    public void Int8IsTheProductOfTheQuantizedOperands()
    {
        if (!F.HasFastInt8Linear) return;  // int8 is refused on such a CPU (ReducedPrecisionTests checks the message)
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(23);
        // 20 channels: not a multiple of the 16-lane vectors of the quantizer
        var x = random.Randn([2, 20, 15, 17]).Contiguous(MemoryFormat.ChannelsLast);
        var weight = random.Randn([24, 20, 3, 3]).Mul(0.1);
        var bias = random.Randn([24]);
        var fp32 = F.Conv2d(x, weight, bias, (2, 2), (1, 1));
        var int8 = F.InferenceConv2d(x, weight, bias, (2, 2), (1, 1), (1, 1), int8: true);
        Assert.Equal(ScalarType.Float32, int8.DType);
        Assert.Equal(0, F.InferenceConv2d(x.Narrow(0, 0, 0), weight, bias, (2, 2), (1, 1), (1, 1), int8: true).Numel);
        // x with one symmetric scale max|x| / 127, each output channel's weights with their own
        var xScale = MaxAbs(x) / 127;
        var wScale = weight.Abs().Amax(1, keepDim: true).Amax(2, keepDim: true).Amax(3, keepDim: true).Div(127);
        var xq = x.Div(xScale).Round().Mul(xScale);
        var wq = weight.Div(wScale).Round().Mul(wScale);
        var emulated = F.Conv2d(xq, wq, bias, (2, 2), (1, 1));
        Assert.True(MaxAbsDiff(int8, emulated) < 1e-5 * MaxAbs(fp32) + 1e-5, $"int8 differs from its emulation by {MaxAbsDiff(int8, emulated)}");
        Assert.True(MaxAbsDiff(int8, fp32) < 0.02 * MaxAbs(fp32), $"int8 differs by {MaxAbsDiff(int8, fp32)} on outputs up to {MaxAbs(fp32)}");
        var gelu = F.InferenceConv2d(x, weight, bias, (2, 2), (1, 1), (1, 1), gelu: true, int8: true);
        Assert.True(MaxAbsDiff(gelu, emulated.Gelu()) < 1e-5 * MaxAbs(fp32) + 1e-5);
        // a weight changed in place is quantized and packed again
        weight.Mul_(2);
        var doubled = F.InferenceConv2d(x, weight, bias, (2, 2), (1, 1), (1, 1), int8: true);
        Assert.True(MaxAbsDiff(doubled, emulated.Sub(bias.View(1, -1, 1, 1)).Mul(2).Add(bias.View(1, -1, 1, 1))) < 1e-5 * MaxAbs(fp32) + 1e-5);
    }

    [Fact]
    public void AFoldedConvFollowsItsSourcesAndTheirInt8Mark()
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        using var conv = new Conv2d(4, 8, 3, padding: 1);
        using var bn = new BatchNorm2d(8);
        var random = new SeededTensors(24);
        bn.RunningMean!.Copy_(random.Randn([8]));
        bn.RunningVar!.Copy_(random.Randn([8]).Abs().Add(0.5));
        bn.Eval();
        using var folded = new FoldedConv2d(conv, bn);
        var x = random.Randn([1, 4, 9, 9]);
        Tensor Unfolded() => bn.Forward(conv.Forward(x));

        var first = folded.Current;
        Assert.True(MaxAbsDiff(first.Forward(x), Unfolded()) < 1e-5);
        Assert.Same(first, folded.Current);  // nothing changed: the same convolution, so its packed weight is kept
        bn.RunningVar.Mul_(4);                // a statistic changed in place
        Assert.True(MaxAbsDiff(folded.Current.Forward(x), Unfolded()) < 1e-5);
        conv.Weight.Copy_(random.Randn([8, 4, 3, 3]));  // a weight load
        Assert.True(MaxAbsDiff(folded.Current.InferOnOneDnn(x), Unfolded()) < 1e-4);
        conv.Int8 = true;
        Assert.True(folded.Current.Int8);
        // folded inside inference mode, its weight still has a version counter (an inference tensor has none, and
        // its packing would be redone per call)
        conv.Weight.Mul_(2);
        using (TorchRuntime.InferenceMode()) Assert.NotEqual(-1, folded.Current.Weight.Identity.Version);
    }

    [Fact]
    public void PrepareInt8MarksUngroupedConvolutionsOnly()
    {
        if (!F.HasFastInt8Linear) return;
        using var model = new Sequential(new Conv2d(4, 8, 3), new Conv2d(8, 8, 3, groups: 8));
        model.Eval();
        ReducedPrecision.Prepare(model, Precision.Int8, Device.Cpu);
        var convs = model.Modules().OfType<Conv2d>().ToArray();
        Assert.True(convs[0].Int8);
        Assert.False(convs[1].Int8);
        ReducedPrecision.Prepare(model, Precision.Fp32, Device.Cpu);
        Assert.False(convs[0].Int8);
    }
}
