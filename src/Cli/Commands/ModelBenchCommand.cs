using System.CommandLine;
using System.Diagnostics;
using GeoDense.Backbones;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense model bench --arch A --batch B --size S [--seconds T] [--threads N] [--dense]`: inference
/// throughput with random weights, timed like shared/tools/reference/bench_ref.py (2 warm-up passes, then
/// as many passes as fit in T seconds). The last line is "&lt;arch&gt; ... &lt;x&gt; img/s".
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
        var command = new Command("bench", "Time backbone inference (img/s).") { arch, batch, size, seconds, threads, dense };
        command.SetAction(parse => Run(parse.GetValue(arch)!, parse.GetValue(batch), parse.GetValue(size)!,
            parse.GetValue(seconds), parse.GetValue(threads), parse.GetValue(dense)));
        return command;
    }

    private static int Run(string archName, int batch, string sizeText, double seconds, int? threads, bool dense)
    {
        if (batch < 1) throw new UserInputException($"--batch must be at least 1, got {batch}");
        if (!(seconds > 0) || double.IsInfinity(seconds)) throw new UserInputException($"--seconds must be a positive number, got {seconds}");
        ModelOptions.ApplyThreads(threads);
        var (h, w) = ModelSummaryCommand.ParseSize(sizeText);
        if (LitConfig.TryFromArch(archName) is { } lit) return LitModelCommands.Bench(lit, batch, sizeText, h, w, seconds, dense);
        var config = ModelOptions.ResolveArch(archName) with { NumClasses = 1000 };

        using LeMeViTBackbone model = dense ? new LeMeViTBackbone(config) : new LeMeViTClassifier(config);
        model.Eval();
        using var inference = TorchRuntime.InferenceMode();
        using var input = Tensor.Randn(batch, config.InChannels, h, w);
        void Pass()
        {
            using var scope = TorchRuntime.NewScope();
            if (model is LeMeViTClassifier classifier) classifier.Classify(input);
            else model.Forward(input);
        }

        var stop = Interruption.Token;
        try { for (var i = 0; i < 2; i++) Pass(); }
        catch (InputTooSmallException e) { throw new UserInputException($"--size {sizeText}: {e.Message}"); }
        // stderr keeps stdout's last line the result; the line also tells a watcher that timing has begun
        Console.Error.WriteLine($"timing {config.Name} for {seconds:0.###} s");
        var clock = Stopwatch.StartNew();
        var passes = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (stop.IsCancellationRequested) throw new OperationCanceledException($"model bench stopped after {passes} timed pass(es)", stop);
            Pass();
            passes++;
        }
        var rate = passes * batch / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{config.Name}{(dense ? " dense" : "")} batch={batch} {h}x{w} threads={TorchRuntime.GetNumThreads()}: {rate:F2} img/s");
        return 0;
    }
}
