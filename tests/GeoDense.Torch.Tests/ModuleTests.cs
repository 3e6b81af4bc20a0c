using GeoDense.Torch.NN;
using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class ModuleTests
{
    private sealed class Attn : Module
    {
        public Linear Qkv { get; }
        public Linear Proj { get; }

        public Attn()
        {
            Qkv = RegisterModule("qkv", new Linear(4, 12));
            Proj = RegisterModule("proj", new Linear(4, 4, bias: false));
        }
    }

    // Children are registered before the parameter on purpose: PyTorch lists own parameters and
    // buffers first regardless of assignment order.
    private sealed class Block : Module
    {
        public Block()
        {
            RegisterModule("norm1", new LayerNorm(4));
            RegisterModule("attn", new Attn());
            RegisterParameter("gamma", Tensor.Ones(4));
            RegisterBuffer("pos", Tensor.Zeros(2));
            RegisterBuffer("tmp", Tensor.Zeros(2), persistent: false);
            RegisterModule("downsample_layers", new ModuleList(new Sequential(new Conv2d(4, 8, 3), new BatchNorm2d(8)), new Identity()));
        }
    }

    // Keys printed by python3-torch for the same structure (see the test for the script's shape).
    private static readonly string[] PyTorchKeys =
    [
        "gamma", "pos", "norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight",
        "downsample_layers.0.0.weight", "downsample_layers.0.0.bias", "downsample_layers.0.1.weight", "downsample_layers.0.1.bias",
        "downsample_layers.0.1.running_mean", "downsample_layers.0.1.running_var", "downsample_layers.0.1.num_batches_tracked",
    ];

    [Fact]
    public void StateDictKeysAndOrderFollowPyTorch()
    {
        using var block = new Block();
        Assert.Equal(PyTorchKeys, block.StateDict().Keys);
        Assert.Equal(PyTorchKeys.Where(k => !k.Contains("running") && !k.Contains("num_batches") && k != "pos"), block.NamedParameters().Select(p => p.Key));
        Assert.Equal(4 + 8 + 48 + 12 + 16 + 4 * 8 * 9 + 8 + 16, block.ParameterCount());
        Assert.Equal(ScalarType.Int64, block.StateDict()["downsample_layers.0.1.num_batches_tracked"].DType);
        Assert.Contains("tmp", block.NamedBuffers().Select(b => b.Key));
    }

    [Fact]
    public void ParametersAreLeavesThatRequireGradAndOutliveScopes()
    {
        Linear linear;
        using (TorchRuntime.NewScope())
        {
            linear = new Linear(3, 2);
        }
        Assert.False(linear.Weight.IsDisposed);
        Assert.True(linear.Weight.RequiresGrad);
        Assert.True(linear.Weight.IsLeaf);
        var bound = 1 / Math.Sqrt(3);
        using (TorchRuntime.NewScope())
        {
            Assert.True(linear.Weight.Abs().Max().Item<float>() <= bound);
            Assert.True(linear.Bias!.Abs().Max().Item<float>() <= bound);
        }
        linear.Dispose();
        Assert.True(linear.Weight.IsDisposed);
    }

    [Fact]
    public void LoadStateDictCopiesValuesAndReportsProblems()
    {
        using var scope = TorchRuntime.NewScope();
        using var source = new Block();
        using var target = new Block();
        var sd = new Dictionary<string, Tensor>(source.StateDict());
        var report = target.LoadStateDict(sd);
        Assert.True(report.IsClean);
        Assert.True(target.StateDict()["attn.qkv.weight"].AllClose(source.StateDict()["attn.qkv.weight"]));

        sd.Remove("norm1.bias");
        sd["extra.weight"] = Tensor.Zeros(1);
        sd["attn.proj.weight"] = Tensor.Zeros(4, 5);
        var ex = Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(sd));
        Assert.Contains("norm1.bias", ex.Message);
        Assert.Contains("extra.weight", ex.Message);
        Assert.Contains("attn.proj.weight: model has [4, 4], checkpoint has [4, 5]", ex.Message);

        sd["gamma"] = Tensor.Full([4], 3.0);
        var loose = target.LoadStateDict(sd, strict: false);
        Assert.Equal(["norm1.bias"], loose.MissingKeys);
        Assert.Equal(["extra.weight"], loose.UnexpectedKeys);
        Assert.Single(loose.ShapeMismatches);
        Close([3, 3, 3, 3], target.StateDict()["gamma"]);
    }

    [Fact]
    public void TrainEvalPropagatesToDescendants()
    {
        using var block = new Block();
        Assert.All(block.Modules(), m => Assert.True(m.Training));
        block.Eval();
        Assert.All(block.Modules(), m => Assert.False(m.Training));
        block.Train();
        Assert.All(block.Modules(), m => Assert.True(m.Training));
    }

    [Fact]
    public void ModuleToConvertsParametersInPlace()
    {
        using var linear = new Linear(2, 2);
        var weight = linear.Weight;
        linear.To(ScalarType.Float64);
        Assert.Same(weight, linear.Weight);
        Assert.Equal(ScalarType.Float64, linear.Weight.DType);
        Assert.True(linear.Weight.RequiresGrad);
        Assert.True(linear.Weight.IsLeaf);
        linear.To(Device.Cpu);
        Assert.Equal(Device.Cpu, linear.Weight.Device);
    }

    [Fact]
    public void SequentialRunsLayersInOrderAndFreesIntermediates()
    {
        using var model = new Sequential(new Linear(2, 3), new ReLU(), new Identity(), new Linear(3, 1));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], model.StateDict().Keys);
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.Ones(5, 2);
        var y = model.Forward(x);
        Assert.Equal(new long[] { 5, 1 }, y.Shape);
        Assert.False(x.IsDisposed);
        Assert.Equal(2, scope.Count); // x and y; the intermediates were freed as the pass went
    }

    [Fact]
    public void BatchNormUpdatesRunningStatsWithPyTorchFormula()
    {
        using var bn = new BatchNorm2d(1);
        using var scope = TorchRuntime.NewScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 1, 1, 2);
        var y = bn.Forward(x);
        // batch mean 2.5, biased var 1.25 (normalisation), unbiased var 5/3 (running stats)
        var k = 1 / Math.Sqrt(1.25 + 1e-5);
        Close([-1.5 * k, -0.5 * k, 0.5 * k, 1.5 * k], y);
        Close([0.9 * 0 + 0.1 * 2.5], bn.RunningMean!);
        Close([0.9 * 1 + 0.1 * 5.0 / 3], bn.RunningVar!);
        Assert.Equal(1, bn.NumBatchesTracked!.Item<long>());
        bn.Forward(x);
        Close([0.9 * 0.25 + 0.1 * 2.5], bn.RunningMean!);
        Assert.Equal(2, bn.NumBatchesTracked!.Item<long>());
        bn.Eval();
        var mean = 0.475;
        var variance = 0.9 * (0.9 + 0.1 * 5.0 / 3) + 0.1 * 5.0 / 3;
        var e = bn.Forward(x);
        Close(new double[] { 1, 2, 3, 4 }.Select(v => (v - mean) / Math.Sqrt(variance + 1e-5)).ToArray(), e);
        Assert.Equal(2, bn.NumBatchesTracked!.Item<long>());
    }
}
