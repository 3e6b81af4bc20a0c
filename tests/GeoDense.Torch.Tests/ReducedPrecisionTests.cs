using static GeoDense.Torch.Tests.Assertions;
using GeoDense.Torch.NN;

namespace GeoDense.Torch.Tests;

// Serial: the op profile must see only this test's ops, and Linear's default init draws from the global generator.
[Collection(SerialCollection.Name)]
public class ReducedPrecisionTests
{
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
    public void Int8LinearIsTheProductOfTheQuantizedOperands()
    {
        if (!Functional.HasFastInt8Linear) return;  // refused on such a CPU (PrecisionNamesParse... checks the message)
        using var scope = TorchRuntime.NewScope();
        using var linear = new Linear(64, 32);
        var random = new SeededTensors(3);
        using var noGrad = TorchRuntime.NoGrad();
        linear.Weight.Copy_(random.Randn([32, 64]).Mul(0.1));
        var x = random.Randn([2, 10, 64]);
        var fp32 = linear.Forward(x);
        linear.Int8 = true;
        var int8 = linear.Forward(x);
        Assert.Equal(fp32.Shape, int8.Shape);
        Assert.Equal(ScalarType.Float32, int8.DType);
        // exactly the product of the quantized operands: x with one symmetric scale max|x| / 127, each weight row
        // with its own; int32 accumulation is exact, so only fp32 rounding of the dequantized product differs
        var xScale = MaxAbs(x) / 127;
        var emulated = Functional.Linear(x.Div(xScale).Round().Mul(xScale), QuantizedPerOutputChannel(linear.Weight), linear.Bias);
        Assert.True(MaxAbs(int8.Sub(emulated)) < 1e-5 * MaxAbs(fp32) + 1e-6, $"int8 differs from its emulation by {MaxAbs(int8.Sub(emulated))}");
        // which, for normal inputs (max|x| ~ 3.5 sigma), is within 2% of the range of fp32
        Assert.True(MaxAbs(int8.Sub(fp32)) < 0.02 * MaxAbs(fp32), $"int8 differs by {MaxAbs(int8.Sub(fp32))} on outputs up to {MaxAbs(fp32)}");
        // bias, GELU and the residual add in the int8 epilogue match the same ops after the fp32 product
        var gelu = Functional.InferenceLinear(x, linear.Weight, linear.Bias, gelu: true, int8: true);
        Assert.True(MaxAbs(gelu.Sub(emulated.Gelu())) < 1e-5 * MaxAbs(fp32) + 1e-6);
        var residual = random.Randn([2, 10, 32]);
        var expected = residual.Add(emulated);
        Functional.InferenceLinearAdd_(residual, x, linear.Weight, linear.Bias, int8: true);
        Assert.True(MaxAbs(residual.Sub(expected)) < 1e-5 * MaxAbs(fp32) + 1e-5);
        // a weight changed in place is quantized again, not served from the packed cache
        linear.Weight.Mul_(2);
        Assert.True(MaxAbs(linear.Forward(x).Sub(emulated.Sub(linear.Bias!).Mul(2).Add(linear.Bias!))) < 1e-5 * MaxAbs(fp32) + 1e-6);
    }

    [Fact]
    public void Int8LinearQuantizesBf16InputsPerBlockOfRows()
    {
        if (!Functional.HasFastInt8Linear) return;
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(6);
        // K = 100 (not a multiple of the 16-lane vectors); blocks hold ~512 KB of x: 2621 bf16 rows at K = 100.
        // The second block's values are 50x the first's: each block gets its own scale, so the small one keeps its precision.
        const int blockRows = 2621, rows = 3000, k = 100;
        var x = Tensor.Cat([random.Randn([blockRows, k]), random.Randn([rows - blockRows, k]).Mul(50)], 0).To(ScalarType.BFloat16);
        var weight = random.Randn([24, k]).Mul(0.1);
        var bias = random.Randn([24]);
        var int8 = Functional.InferenceLinear(x, weight, bias, int8: true);
        Assert.Equal(ScalarType.BFloat16, int8.DType);  // the type a bf16 linear returns

        var wq = QuantizedPerOutputChannel(weight);
        Tensor Emulated(Tensor block)
        {
            var xScale = MaxAbs(block) / 127;
            return Functional.Linear(block.To(ScalarType.Float32).Div(xScale).Round().Mul(xScale), wq, bias);
        }
        var expected = PerBlock(x, blockRows, Emulated);
        var got = int8.To(ScalarType.Float32);
        // the result is rounded to bf16: 8 significant bits
        var beyondRounding = got.Sub(expected).Abs().Sub(expected.Abs().Mul(1e-2)).ClampMin(0);
        Assert.True(MaxAbs(beyondRounding) < 1e-4 * MaxAbs(expected), "int8 on bf16 rows differs from its per-block emulation");
        var small = got.Narrow(0, 0, blockRows).Sub(Functional.Linear(x.Narrow(0, 0, blockRows).To(ScalarType.Float32), weight, bias));
        // ~0.05 here (int8 steps of 0.03, bf16 rounding); one scale for all rows would make its steps 50x coarser (~2)
        Assert.True(MaxAbs(small) < 0.2, $"the small block lost its precision: error {MaxAbs(small)}");
    }

    [Fact]
    public void Int8LinearCanReadGeluOfItsInput()
    {
        // An MLP's fc2 reading GELU(fc1's pre-activation): GELU (tanh form) applied while the rows are quantized, the
        // block's scale from max(GELU(max x), 0.17) / 127 (GELU's minimum is -0.17), the product accumulated into the
        // residual.
        if (!Functional.HasFastInt8Linear) return;
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var random = new SeededTensors(13);
        const int blockRows = 2621, rows = 3000, k = 100;  // bf16 rows of K = 100: blocks of 2621 rows, as above
        var x = Tensor.Cat([random.Randn([blockRows, k]).Mul(2), random.Randn([rows - blockRows, k]).Mul(0.2).Sub(1)], 0).To(ScalarType.BFloat16);
        var weight = random.Randn([24, k]).Mul(0.1);
        var bias = random.Randn([24]);
        var residual = random.Randn([rows, 24]);
        var got = Functional.InferenceLinearAdd_(residual.Clone(), x, weight, bias, int8: true, geluInput: true);

        var wq = QuantizedPerOutputChannel(weight);
        Tensor Emulated(Tensor block)
        {
            var v = block.To(ScalarType.Float32);
            var top = v.Max().Item<double>();
            var xScale = Math.Max(0.5 * top * (1 + Erf(top / Math.Sqrt(2))), 0.1700406) / 127;
            var gelu = v.Mul(v.Add(v.Mul(v).Mul(v).Mul(0.044715)).Mul(1.5957691216).Sigmoid());
            return Functional.Linear(gelu.Div(xScale).Round().Clamp(-127, 127).Mul(xScale), wq, bias);
        }
        var expected = PerBlock(x, blockRows, Emulated).Add(residual);
        // a value at a rounding boundary may land one int8 step away (the kernel's exp is not the test's)
        Assert.True(MaxAbsDiff(got, expected) < 1e-3 * MaxAbs(expected), $"differs from the emulation by {MaxAbsDiff(got, expected)}");
        // and close to the float MLP step it replaces: fc2(GELU(x)) with erf's GELU
        var exact = Functional.Linear(x.To(ScalarType.Float32).Gelu(), weight, bias).Add(residual);
        Assert.True(MaxAbsDiff(got, exact) < 0.05 * MaxAbs(exact), $"differs from the float product by {MaxAbsDiff(got, exact)}");
        // the second block's values are all negative: its scale is the 0.17 bound, not GELU(max x) near 0
        Assert.True(MaxAbsDiff(got.Narrow(0, blockRows, rows - blockRows), exact.Narrow(0, blockRows, rows - blockRows)) < 0.05);
        Assert.Throws<TorchException>(() => Functional.InferenceLinearAdd_(residual.Clone(), x, weight, bias, int8: false, geluInput: true));
    }

    // What the int8 weight packing holds: each output row quantized symmetrically with its own scale max|W[n,:]| / 127.
    private static Tensor QuantizedPerOutputChannel(Tensor weight)
    {
        var scale = weight.Abs().Amax(1, keepDim: true).Div(127);
        return weight.Div(scale).Round().Mul(scale);
    }

    // f applied to each block of `blockRows` rows of x (the last one shorter), the results stacked again.
    private static Tensor PerBlock(Tensor x, long blockRows, Func<Tensor, Tensor> f)
    {
        var rows = x.Shape[0];
        var blocks = new List<Tensor>();
        for (long first = 0; first < rows; first += blockRows) blocks.Add(f(x.Narrow(0, first, Math.Min(blockRows, rows - first))));
        return Tensor.Cat([.. blocks], 0);
    }

    // erf by Abramowitz-Stegun 7.1.26 (error < 1.5e-7), for the emulated scale
    private static double Erf(double x)
    {
        var t = 1 / (1 + 0.3275911 * Math.Abs(x));
        var y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return Math.Sign(x) * y;
    }

    [Fact]
    public void Int8LinearOfZerosIsTheBias()
    {
        if (!Functional.HasFastInt8Linear) return;
        using var scope = TorchRuntime.NewScope();
        using var linear = new Linear(16, 8) { Int8 = true };
        using var noGrad = TorchRuntime.NoGrad();
        var y = linear.Forward(Tensor.Zeros([3, 16]));
        Assert.True(MaxAbs(y.Sub(linear.Bias!.Unsqueeze(0))) < 1e-6);
    }

    [Fact]
    public void PrepareInt8MarksEveryLinearOfTheTreeAndFp32UnmarksThem()
    {
        if (!Functional.HasFastInt8Linear) return;
        using var model = new Sequential(new Linear(8, 8), new GELU(), new Sequential(new Linear(8, 4)));
        model.Eval();
        ReducedPrecision.Prepare(model, Precision.Int8, Device.Cpu);
        Assert.All(model.Modules().OfType<Linear>(), l => Assert.True(l.Int8));
        ReducedPrecision.Prepare(model, Precision.Fp32, Device.Cpu);
        Assert.All(model.Modules().OfType<Linear>(), l => Assert.False(l.Int8));
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
        // int8 on this CPU: allowed exactly when oneDNN has a real int8 kernel for it
        if (Functional.HasFastInt8Linear) ReducedPrecision.CheckSupported(Precision.Int8, Device.Cpu);
        else Assert.Contains("use precision fp32", Assert.Throws<PrecisionNotSupportedException>(() => ReducedPrecision.CheckSupported(Precision.Int8, Device.Cpu)).Message);
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
