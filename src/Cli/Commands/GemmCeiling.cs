using System.Diagnostics;
using GeoDense.Torch;
using F = GeoDense.Torch.Functional;

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
        return 2.0 * Size * Size * Size / BestSeconds(() => a.MatMul(b).Dispose(), seconds) / 1e9;
    }

    /// <summary>
    /// GFLOP/s of the oneDNN linear the models' token-wise layers run on (4096 tokens x 2048 -> 2048, weights packed
    /// once), in fp32 and in bf16 (under autocast, as a bf16 forward runs it): their ratio is the most a bf16 path can
    /// gain over fp32 on this machine, since a model's products cannot run faster than a large one. Null without oneDNN.
    /// </summary>
    public static (double Fp32, double Bf16)? MeasureLinearGflops(double seconds)
    {
        if (!F.HasOneDnnLinear) return null;
        using var scope = TorchRuntime.NewScope();
        using var inference = TorchRuntime.InferenceMode();
        const int tokens = 4096;
        var x = Tensor.Randn(tokens, Size);
        var w = Tensor.Randn(Size, Size);
        double Rate(Precision precision)
        {
            using var autocast = ReducedPrecision.Scope(precision, Device.Cpu);
            return 2.0 * tokens * Size * Size / BestSeconds(() => F.InferenceLinear(x, w).Dispose(), seconds) / 1e9;
        }
        return (Rate(Precision.Fp32), Rate(Precision.Bf16));
    }

    /// <summary>One warm-up call, then the fastest of the calls that fit in <paramref name="seconds"/> (at least two).</summary>
    private static double BestSeconds(Action product, double seconds)
    {
        product();
        var best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < 2 || total.Elapsed.TotalSeconds < seconds; i++)
        {
            var clock = Stopwatch.StartNew();
            product();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
