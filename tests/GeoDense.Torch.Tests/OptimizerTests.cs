using GeoDense.Torch.NN;
using GeoDense.Torch.Optim;
using static GeoDense.Torch.Tests.Assertions;
using F = GeoDense.Torch.Functional;

namespace GeoDense.Torch.Tests;

[Collection(SerialCollection.Name)] // the XOR fit depends on the seeded initialisation
public class OptimizerTests
{
    // Loss used for the reference runs: sum(p * [3, -1] + p^2), from p = [1, -2], float64.
    private static void RunSteps(Optimizer optimizer, Parameter p, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            using var scope = TorchRuntime.NewScope();
            optimizer.ZeroGrad();
            (p * D(3, -1) + p * p).Sum().Backward();
            optimizer.Step();
        }
    }

    private static Parameter Start() => new(D(1, -2));

    [Fact]
    public void AdamWFirstStepIsSignStepAfterDecay()
    {
        using var p = Start();
        using var adam = new AdamW([p], lr: 0.1, weightDecay: 0.01);
        using (TorchRuntime.NewScope())
        {
            (p * D(3, -1)).Sum().Backward();
            adam.Step();
        }
        Close([1 * 0.999 - 0.1, -2 * 0.999 + 0.1], p, 1e-7);
    }

    [Fact]
    public void AdamWAndSgdMatchTorchOptimOverThreeSteps()
    {
        // Expected values printed by python3-torch (torch.optim.AdamW / SGD) for the same loss and settings.
        using (var p = Start())
        using (var adam = new AdamW([p], lr: 0.1, weightDecay: 0.01))
        {
            RunSteps(adam, p, 3);
            Close([0.6977822196, -1.6947909636], p, 1e-9);
        }
        using (var p = Start())
        using (var sgd = new SGD([p], lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true))
        {
            RunSteps(sgd, p, 3);
            Close([-1.7697089690, 0.8240169880], p, 1e-9);
        }
        using (var p = Start())
        using (var sgd = new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.5))
        {
            RunSteps(sgd, p, 3);
            Close([-0.87, -0.13], p, 1e-9);
        }
    }

    [Fact]
    public void ParamGroupsHaveTheirOwnRatesAndSkipParametersWithoutGrad()
    {
        using var a = new Parameter(D(1));
        using var b = new Parameter(D(1));
        using var c = new Parameter(D(1));
        using var sgd = new SGD([new ParamGroup([a]), new ParamGroup([b, c]) { LrScale = 0.5 }], lr: 0.2);
        sgd.SetLearningRate(0.4);
        Assert.Equal(0.4, sgd.ParamGroups[0].LearningRate);
        Assert.Equal(0.2, sgd.ParamGroups[1].LearningRate);
        using (TorchRuntime.NewScope())
        {
            (a + b).Sum().Backward();
            sgd.Step();
        }
        Close([0.6], a);
        Close([0.8], b);
        Close([1], c);
    }

    [Fact]
    public void OptimizerStateRoundTripsThroughStateDict()
    {
        using var p1 = Start();
        using var p2 = Start();
        using var first = new AdamW([p1], lr: 0.1);
        RunSteps(first, p1, 2);
        var state = first.StateDict();
        Assert.Equal(["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"], state.Keys);
        Assert.Equal(2, state["state.0.step"].Item<double>());

        using var second = new AdamW([p2], lr: 0.1);
        p2.Detach().Copy_(p1);
        second.LoadStateDict(state);
        RunSteps(first, p1, 1);
        RunSteps(second, p2, 1);
        Assert.True(p1.AllClose(p2, 0, 0));
    }

    [Fact]
    public void ClipGradNormScalesToMaxNorm()
    {
        using var p = new Parameter(D(0, 0));
        using var q = new Parameter(D(0));
        using var scope = TorchRuntime.NewScope();
        ((p * D(3, 0)).Sum() + (q * D(4)).Sum()).Backward();
        var total = Utils.ClipGradNorm_([p, q], 1.0);
        Close(5, total);
        Close([0.6, 0], p.Grad!, 1e-5);
        Close([0.8], q.Grad!, 1e-5);
        Close(1, Utils.ClipGradNorm_([p, q], 10.0), 1e-5);
        Close([0.6, 0], p.Grad!, 1e-5);
    }

    private sealed class Mlp : Module<Tensor, Tensor>
    {
        private readonly Sequential _layers;

        public Mlp() => _layers = RegisterModule("layers", new Sequential(new Linear(2, 16), new Tanh(), new Linear(16, 1)));

        public override Tensor Forward(Tensor input) => _layers.Forward(input);
    }

    [Fact]
    public void TinyMlpWithAdamWFitsXor()
    {
        TorchRuntime.ManualSeed(7);
        using var model = new Mlp();
        using var adam = new AdamW(model.Parameters(), lr: 0.05, weightDecay: 0);
        using var x = Tensor.FromArray(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        using var y = Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 4, 1);
        double loss = double.NaN;
        for (var step = 0; step < 300; step++)
        {
            using var scope = TorchRuntime.NewScope();
            adam.ZeroGrad();
            var l = F.BinaryCrossEntropyWithLogits(model.Forward(x), y);
            l.Backward();
            adam.Step();
            loss = l.Item<double>();
        }
        Assert.True(loss < 0.05, $"XOR loss after 300 AdamW steps: {loss}");
        using var noGrad = TorchRuntime.NoGrad();
        using var scope2 = TorchRuntime.NewScope();
        Assert.Equal(new[] { false, true, true, false }, (model.Forward(x) > 0).Flatten().ToArray<bool>());
    }
}
