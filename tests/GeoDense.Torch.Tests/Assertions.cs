namespace GeoDense.Torch.Tests;

internal static class Assertions
{
    public static void Close(double[] expected, Tensor actual, double tolerance = 1e-5)
    {
        using var d = actual.To(ScalarType.Float64);
        var values = d.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {values[i]} (all: [{string.Join(", ", values)}])");
    }

    public static void Close(double expected, double actual, double tolerance = 1e-5) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    /// <summary>max |t| as a double (any dtype).</summary>
    public static double MaxAbs(Tensor t)
    {
        using var scope = TorchRuntime.NewScope();
        return t.To(ScalarType.Float32).Abs().Max().Item<double>();
    }

    /// <summary>max |a - b| as a double (any dtypes).</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = TorchRuntime.NewScope();
        return MaxAbs(a.To(ScalarType.Float32).Sub(b.To(ScalarType.Float32)));
    }

    public static Tensor T(params float[] values) => Tensor.FromArray(values);
    public static Tensor D(params double[] values) => Tensor.FromArray(values);
}
