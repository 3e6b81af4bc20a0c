using GeoDense.Torch.NN;

namespace GeoDense.Torch.Tests;

// Serial: the op profile must see only this test's ops, and Linear's default init draws from the global generator.
[Collection(SerialCollection.Name)]
public class ReducedPrecisionTests
{
    static double MaxAbs(Tensor t)
    {
        using var scope = TorchRuntime.NewScope();
        return t.To(ScalarType.Float32).Abs().Max().Item<double>();
    }

    [Fact]
    public void AutocastRunsMatrixProductsInBf16OnlyInsideItsScope()
    {
        using var scope = TorchRuntime.NewScope();
        var random = new SeededTensors(1);
        var a = random.Randn([8, 16]);
        var b = random.Randn([16, 4]);
        using (TorchRuntime.Autocast(Device.Cpu, ScalarType.BFloat16))
        {
            Assert.Equal(ScalarType.BFloat16, a.MatMul(b).DType);
            Assert.Equal(ScalarType.Float32, a.Add(b.Sum()).DType);   // elementwise ops keep their inputs' type
        }
        Assert.Equal(ScalarType.Float32, a.MatMul(b).DType);
    }

    [Fact]
    public void LayerNormUnderAutocastNormalisesBf16InputsInFp32()
    {
        using var scope = TorchRuntime.NewScope();
        using var norm = new LayerNorm(16, eps: 1e-6);
        var x = new SeededTensors(2).Randn([4, 16]).To(ScalarType.BFloat16);
        Tensor y;
        using (TorchRuntime.Autocast(Device.Cpu, ScalarType.BFloat16)) y = norm.Forward(x);
        var expected = norm.Forward(x.To(ScalarType.Float32));
        Assert.Equal(ScalarType.Float32, y.DType);
        Assert.True(MaxAbs(y.Sub(expected)) < 1e-6);
    }

    [Fact]
    public void Int8LinearStaysWithinOnePercentOfFp32()
    {
        using var scope = TorchRuntime.NewScope();
        using var linear = new Linear(64, 32);
        var random = new SeededTensors(3);
        using var noGrad = TorchRuntime.NoGrad();
        linear.Weight.Copy_(random.Randn([32, 64]).Mul(0.1));
        var x = random.Randn([2, 10, 64]);
        var fp32 = linear.Forward(x);
        linear.QuantizeInt8();
        Assert.True(linear.IsInt8);
        var int8 = linear.Forward(x);
        Assert.Equal(fp32.Shape, int8.Shape);
        // int8 weights per output channel and uint8 activations per call: errors of a few tenths of a percent of the range
        Assert.True(MaxAbs(int8.Sub(fp32)) < 0.01 * MaxAbs(fp32) + 1e-3, $"int8 differs by {MaxAbs(int8.Sub(fp32))} on outputs up to {MaxAbs(fp32)}");
    }

    [Fact]
    public void PrepareInt8PacksEveryLinearOfTheTree()
    {
        using var model = new Sequential(new Linear(8, 8), new GELU(), new Sequential(new Linear(8, 4)));
        model.Eval();
        ReducedPrecision.Prepare(model, Precision.Int8, Device.Cpu);
        Assert.All(model.Modules().OfType<Linear>(), l => Assert.True(l.IsInt8));
    }

    [Fact]
    public void PrecisionNamesParseAndUnsupportedCombinationsAreRefusedInOneLine()
    {
        Assert.Equal(Precision.Bf16, ReducedPrecision.TryParse("BF16"));
        Assert.Null(ReducedPrecision.TryParse("fp16"));
        Assert.Equal("int8", Precision.Int8.Name());
        var cuda = Assert.Throws<PrecisionNotSupportedException>(() => ReducedPrecision.CheckSupported(Precision.Int8, Device.Cuda));
        Assert.IsAssignableFrom<InputException>(cuda);
        Assert.DoesNotContain('\n', cuda.Message);
        // bf16 on this CPU: allowed exactly when it has the instructions, refused with a way out otherwise
        if (ReducedPrecision.CpuHasBf16) ReducedPrecision.CheckSupported(Precision.Bf16, Device.Cpu);
        else Assert.Contains("use precision fp32", Assert.Throws<PrecisionNotSupportedException>(() => ReducedPrecision.CheckSupported(Precision.Bf16, Device.Cpu)).Message);
    }

    [Fact]
    public void OpProfileCountsTheOpsRunWhileItWasOn()
    {
        using var scope = TorchRuntime.NewScope();
        var a = new SeededTensors(4).Randn([32, 32]);
        OpProfile.Start();
        IReadOnlyList<OpTime> ops;
        try
        {
            for (var i = 0; i < 3; i++) a.MatMul(a);
        }
        finally { ops = OpProfile.Stop(); }
        var mm = Assert.Single(ops, o => o.Name == "aten::mm");
        Assert.Equal(3, mm.Calls);
        Assert.All(ops, o => Assert.True(o.SelfMicroseconds <= o.TotalMicroseconds + 1e-6));
    }
}
