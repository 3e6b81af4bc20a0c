using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void BackwardOfSumOfSquaresIsTwoX()
    {
        using var scope = TorchRuntime.NewScope();
        var x = D(1, -2, 3).RequiresGrad_();
        Assert.True(x.IsLeaf);
        var y = (x * x).Sum();
        Assert.False(y.IsLeaf);
        y.Backward();
        Close([2, -4, 6], x.Grad!);
        // Gradients accumulate until cleared.
        (x * 3).Sum().Backward();
        Close([5, -1, 9], x.Grad!);
        x.Grad = null;
        Assert.Null(x.Grad);
    }

    [Fact]
    public void NoGradAndInferenceModeStopRecording()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(1, 2).RequiresGrad_();
        using (TorchRuntime.NoGrad())
        {
            Assert.False(TorchRuntime.IsGradEnabled);
            Assert.False((x * 2).RequiresGrad);
        }
        Assert.True(TorchRuntime.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
        using (TorchRuntime.InferenceMode())
        {
            Assert.True(TorchRuntime.IsInferenceModeEnabled);
            Assert.False((x * 2).RequiresGrad);
        }
        Assert.False(TorchRuntime.IsInferenceModeEnabled);
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        using var scope = TorchRuntime.NewScope();
        var x = T(1, 2).RequiresGrad_();
        var d = (x * 2).Detach();
        Assert.False(d.RequiresGrad);
        Close([2, 4], d);
    }

    [Fact]
    public void BackwardWithExplicitGradientAndRetainGraph()
    {
        using var scope = TorchRuntime.NewScope();
        var x = D(1, 2).RequiresGrad_();
        var y = x * x;
        y.Backward(D(1, 10), retainGraph: true);
        Close([2, 40], x.Grad!);
        y.Backward(D(1, 0));
        Close([4, 40], x.Grad!);
    }
}

public class ThreadLocalModeTests
{
    [Fact]
    public void GradModeAndScopesArePerThread()
    {
        using var noGrad = TorchRuntime.NoGrad();
        using var scope = TorchRuntime.NewScope();
        bool otherThreadGrad = false;
        DisposeScope? otherThreadScope = scope;
        var thread = new Thread(() =>
        {
            otherThreadGrad = TorchRuntime.IsGradEnabled;
            otherThreadScope = DisposeScope.Current;
        });
        thread.Start();
        thread.Join();
        Assert.False(TorchRuntime.IsGradEnabled);
        Assert.True(otherThreadGrad);
        Assert.Null(otherThreadScope);
    }
}
