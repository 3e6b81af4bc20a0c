namespace GeoDense.Torch.Tests;

/// <summary>Compares autograd gradients with central finite differences (float64 inputs).</summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> function, params Tensor[] inputs) => Check(function, 1e-6, inputs);

    public static void Check(Func<Tensor[], Tensor> function, double tolerance, params Tensor[] inputs)
    {
        using var scope = TorchRuntime.NewScope();
        var leaves = inputs.Select(x => x.Detach().RequiresGrad_()).ToArray();
        var output = function(leaves);
        // A fixed random projection turns any output shape into a scalar with non-trivial gradients.
        var projection = new SeededTensors(123).Randn(output.Shape, output.DType);
        (output * projection).Sum().Backward();

        const double h = 1e-6;
        for (var i = 0; i < inputs.Length; i++)
        {
            var analytic = leaves[i].Grad is { } g ? g.ToArray<double>() : new double[inputs[i].Numel];
            var baseline = inputs[i].ToArray<double>();
            var shape = inputs[i].Shape;
            for (var j = 0; j < baseline.Length; j++)
            {
                var numeric = (Evaluate(function, inputs, projection, i, j, baseline, shape, h)
                               - Evaluate(function, inputs, projection, i, j, baseline, shape, -h)) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[j]) <= tolerance + tolerance * Math.Abs(numeric),
                    $"input {i} element {j}: analytic {analytic[j]}, numeric {numeric}");
            }
        }
    }

    private static double Evaluate(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor projection, int which, int element,
        double[] baseline, long[] shape, double delta)
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var shifted = (double[])baseline.Clone();
        shifted[element] += delta;
        var args = inputs.Select((x, k) => k == which ? Tensor.FromArray(shifted, shape) : x).ToArray();
        return (function(args) * projection).Sum().Item<double>();
    }
}
