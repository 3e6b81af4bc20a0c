namespace GeoDense.Torch.Tests;

/// <summary>
/// Normal random tensors from a private generator. Tests that merely need "some values" use these instead of
/// reseeding libtorch's process-wide generator, which parallel test classes share: the values are then the same on
/// every run, so a failure can be replayed.
/// </summary>
internal sealed class SeededTensors(int seed)
{
    private readonly Random _random = new(seed);

    public Tensor Randn(long[] shape, ScalarType dtype = ScalarType.Float32)
    {
        var count = shape.Aggregate(1L, (n, s) => n * s);
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
        {
            // Box-Muller: two uniforms in (0, 1] give one standard normal.
            double u1 = 1 - _random.NextDouble(), u2 = _random.NextDouble();
            values[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        using var float64 = Tensor.FromArray(values, shape);
        return float64.To(dtype);
    }
}
