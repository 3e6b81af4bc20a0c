using System.CommandLine;
using System.Diagnostics;
using GeoDense.Backbones;
using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model bench --arch A --batch B --size S [--seconds T] [--threads N] [--dense]`: inference
/// throughput with random weights, timed like shared/tools/reference/bench_ref.py (2 warm-up passes, then
/// as many passes as fit in T seconds). Before the last line it prints the model's effective GFLOP/s (2 x its MACs
/// per image x img/s) beside the fp32 GEMM ceiling measured right after, in the same process; with --profile, the
/// ops that took the time in one more pass. The last line is "&lt;arch&gt; ... &lt;x&gt; img/s".
/// </summary>
public static class ModelBenchCommand
{
    public static Command Create()
    {
        var arch = ModelOptions.Arch();
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", Required = true };
        var size = new Option<string>("--size") { Description = "Input size S or HxW.", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "How long to time (after warm-up).", DefaultValueFactory = _ => 10 };
        var threads = ModelOptions.Threads();
        var dense = new Option<bool>("--dense") { Description = "Time the dense backbone (features only) instead of the 1000-class classifier." };
        var precision = PrecisionOption.Create();
        var device = ModelOptions.Device();
        var profile = new Option<bool>("--profile") { Description = "After timing, print the libtorch ops of one more pass by self time." };
        var command = new Command("bench", "Time backbone inference (img/s).") { arch, batch, size, seconds, threads, dense, precision, device, profile };
        command.SetAction(parse => Run(parse.GetValue(arch)!, parse.GetValue(batch), parse.GetValue(size)!,
            parse.GetValue(seconds), parse.GetValue(threads), parse.GetValue(dense),
            PrecisionOption.Parse(parse.GetValue(precision)!), ModelOptions.ResolveDevice(parse.GetValue(device)!), parse.GetValue(profile)));
        return command;
    }

    private static int Run(string archName, int batch, string sizeText, double seconds, int? threads, bool dense,
        Precision precision, Device device, bool profile)
    {
        if (batch < 1) throw new UserInputException($"--batch must be at least 1, got {batch}");
        if (!(seconds > 0) || double.IsInfinity(seconds)) throw new UserInputException($"--seconds must be a positive number, got {seconds}");
        ModelOptions.ApplyThreads(threads);
        var (h, w) = ModelSummaryCommand.ParseSize(sizeText);
        var arch = ModelOptions.ResolveArch(archName);
        arch = arch.With(1000, arch.InChannels);

        // The same random weights and input in every run, so runs differ only by the machine.
        TorchRuntime.ManualSeed(0);
        using var model = arch.CreateModel(dense ? null : arch.NumClasses);
        model.To(device);
        model.Eval();
        try { ReducedPrecision.Prepare(model, precision, device); }
        catch (PrecisionNotSupportedException e) { throw new UserInputException($"--{e.Message}"); }
        using var inference = TorchRuntime.InferenceMode();
        using var input = Tensor.Randn(batch, arch.InChannels, h, w).To(device);
        void Pass()
        {
            using var scope = TorchRuntime.NewScope();
            using var autocast = ReducedPrecision.Scope(precision, device);
            if (dense) ((IDenseBackbone)model).Forward(input);
            else ((ISceneClassifier)model).Classify(input);
            if (device.IsCuda) TorchRuntime.CudaSynchronize();
        }

        var stop = Interruption.Token;
        try { for (var i = 0; i < 2; i++) Pass(); }
        catch (InputTooSmallException e) { throw new UserInputException($"--size {sizeText}: {e.Message}"); }
        // stderr keeps stdout's last line the result; the line also tells a watcher that timing has begun
        Console.Error.WriteLine($"timing {arch.Name} for {seconds:0.###} s");
        var clock = Stopwatch.StartNew();
        var passMs = new List<double>();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (stop.IsCancellationRequested) throw new OperationCanceledException($"model bench stopped after {passMs.Count} timed pass(es)", stop);
            var start = clock.Elapsed;
            Pass();
            passMs.Add((clock.Elapsed - start).TotalMilliseconds);
        }
        var rate = passMs.Count * batch / clock.Elapsed.TotalSeconds;
        // On a shared machine the fastest pass moves less than the mean: A/B comparisons of small changes use it.
        passMs.Sort();
        Console.WriteLine($"{passMs.Count} passes: fastest {passMs[0]:F1} ms ({batch * 1000 / passMs[0]:F2} img/s), median {passMs[passMs.Count / 2]:F1} ms");
        if (profile) PrintProfile(Pass);
        // effective GFLOP/s only where the family counts MACs (LIT does not)
        var summary = arch.Summary(h, w, withHead: !dense);
        if (summary.All(r => r.Macs is not null))
            PrintEffectiveRate(2.0 * summary.Sum(r => r.Macs!.Value) * rate / 1e9, device, seconds, precision);
        var variant = (dense ? " dense" : "") + (precision == Precision.Fp32 ? "" : $" {precision.Name()}") + (device.IsCuda ? $" {device}" : "");
        Console.WriteLine($"{arch.Name}{variant} batch={batch} {h}x{w} threads={TorchRuntime.GetNumThreads()}: {rate:F2} img/s");
        return 0;
    }

    private static void PrintEffectiveRate(double gflops, Device device, double seconds, Precision precision)
    {
        if (device.IsCuda)
        {
            Console.WriteLine($"effective {gflops:F1} GFLOP/s on {device}");
            return;
        }
        var ceiling = GemmCeiling.MeasureGflops(Math.Clamp(seconds / 4, 0.1, 3));
        Console.WriteLine($"effective {gflops:F1} GFLOP/s; fp32 GEMM ceiling {ceiling:F1} GFLOP/s ({GemmCeiling.Size}² matmul, " +
                          $"same threads, this run); ratio {gflops / ceiling:F2}");
        // a bf16 run also shows how much faster than fp32 this machine's bf16 products are at best
        if (precision == Precision.Bf16 && GemmCeiling.MeasureLinearGflops(Math.Clamp(seconds / 8, 0.1, 2)) is { } linear)
            Console.WriteLine($"oneDNN linear 4096x{GemmCeiling.Size}x{GemmCeiling.Size}: fp32 {linear.Fp32:F1}, bf16 {linear.Bf16:F1} GFLOP/s; " +
                              $"bf16/fp32 {linear.Bf16 / linear.Fp32:F2} (the most bf16 can gain here)");
    }

    /// <summary>One more pass under libtorch's op profiler: the ops that took 95% of the self time, largest first.</summary>
    private static void PrintProfile(Action pass)
    {
        OpProfile.Start();
        IReadOnlyList<OpTime> ops;
        try { pass(); }
        finally { ops = OpProfile.Stop(); }
        var total = ops.Sum(o => o.SelfMicroseconds);
        Console.WriteLine($"{"op",-40} {"calls",7} {"self ms",9} {"share",6}");
        var shown = 0.0;
        foreach (var op in ops)
        {
            if (shown >= 0.95 * total) break;
            shown += op.SelfMicroseconds;
            Console.WriteLine($"{op.Name,-40} {op.Calls,7} {op.SelfMicroseconds / 1000,9:F1} {op.SelfMicroseconds / total,6:P1}");
        }
        Console.WriteLine($"{"all ops",-40} {ops.Sum(o => o.Calls),7} {total / 1000,9:F1}");
    }
}
