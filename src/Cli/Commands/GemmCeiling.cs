using System.Diagnostics;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>
/// What this libtorch reaches on a large square fp32 matrix product with the current threads: the roof a model's
/// effective GFLOP/s is compared with. Measured in the same run as the model because machines (and their load) differ.
/// </summary>
public static class GemmCeiling
{
    public const int Size = 2048;

    /// <summary>GFLOP/s of Size x Size matmuls (2·n³ FLOP each): one warm-up, then the best of the products that fit in
    /// <paramref name="seconds"/> (at least two).</summary>
    public static double MeasureGflops(double seconds)
    {
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        var a = Tensor.Randn(Size, Size);
        var b = Tensor.Randn(Size, Size);
        a.MatMul(b).Dispose();
        var best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < 2 || total.Elapsed.TotalSeconds < seconds; i++)
        {
            var clock = Stopwatch.StartNew();
            a.MatMul(b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * Size * Size * Size / best / 1e9;
    }
}
