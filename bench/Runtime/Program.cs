// Runtime micro-benchmarks: per-call overhead of the P/Invoke boundary and of small ops, and
// conv2d/linear throughput. bench_torch.py measures the same things with python3-torch.
// Usage: dotnet bench/Runtime/bin/Release/net10.0/GeoDense.Bench.Runtime.dll [threads]
using System.Diagnostics;
using GeoDense.Torch;
using F = GeoDense.Torch.Functional;

var threads = args.Length > 0 ? int.Parse(args[0]) : 2;
TorchRuntime.SetNumThreads(threads);
Console.WriteLine($"libtorch {TorchRuntime.TorchVersion}, {TorchRuntime.GetNumThreads()} threads");

using var one = Tensor.Ones(1);
using var other = Tensor.Ones(1);

Report("noop export (no arguments)", PerCall(20_000_000, n => { for (var i = 0; i < n; i++) TorchRuntime.NativeNoop(); }));
Report("noop export (one tensor handle)", PerCall(20_000_000, n => { for (var i = 0; i < n; i++) TorchRuntime.NativeNoop(one); }));
Report("tensor.Dim (metadata query)", PerCall(5_000_000, n => { var s = 0; for (var i = 0; i < n; i++) s += one.Dim; GC.KeepAlive(s); }));
Report("add 1-element + dispose", PerCall(1_000_000, n => { for (var i = 0; i < n; i++) one.Add(other).Dispose(); }));
Report("add 1-element in a scope", PerCall(1_000_000, n =>
{
    for (var i = 0; i < n; i += 1000)
    {
        using var scope = TorchRuntime.NewScope();
        for (var j = 0; j < 1000; j++) one.Add(other);
    }
}));
using (TorchRuntime.NoGrad())
    Report("add 1-element, no_grad", PerCall(1_000_000, n => { for (var i = 0; i < n; i++) one.Add(other).Dispose(); }));

using (TorchRuntime.InferenceMode())
{
    using var x = Tensor.Randn(8, 64, 56, 56);
    using var w = Tensor.Randn(64, 64, 3, 3);
    var convFlops = 2.0 * 8 * 64 * 56 * 56 * 64 * 9;
    ReportFlops("conv2d 8x64x56x56, 64 3x3 filters, pad 1", convFlops, Seconds(10, () => F.Conv2d(x, w, null, stride: 1, padding: 1).Dispose()));

    using var a = Tensor.Randn(4096, 1024);
    using var lw = Tensor.Randn(1024, 1024);
    using var lb = Tensor.Randn(1024);
    var linearFlops = 2.0 * 4096 * 1024 * 1024;
    ReportFlops("linear 4096x1024 @ 1024x1024 + bias", linearFlops, Seconds(10, () => F.Linear(a, lw, lb).Dispose()));
}

static double PerCall(int n, Action<int> loop)
{
    loop(n / 10); // warm-up (JIT tiers, allocator)
    var best = double.MaxValue;
    for (var rep = 0; rep < 5; rep++)
    {
        var sw = Stopwatch.StartNew();
        loop(n);
        best = Math.Min(best, sw.Elapsed.TotalNanoseconds / n);
    }
    return best;
}

static double Seconds(int reps, Action op)
{
    op();
    var best = double.MaxValue;
    for (var i = 0; i < reps; i++)
    {
        var sw = Stopwatch.StartNew();
        op();
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    }
    return best;
}

static void Report(string name, double ns) => Console.WriteLine($"{name,-45} {ns,10:F1} ns/call");
static void ReportFlops(string name, double flops, double seconds) =>
    Console.WriteLine($"{name,-45} {flops / seconds / 1e9,10:F1} GFLOP/s ({seconds * 1e3:F1} ms)");
