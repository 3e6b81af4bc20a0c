using System.CommandLine;
using System.Globalization;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `--device`, `--threads` and `--batch-size`: where and how `segment`, `detect` and `change` run, over the pipeline's
/// `device` and `tiling.batch_size`. One set of options, so the three commands take the same words the same way.
/// </summary>
public sealed class RunOptions
{
    public Option<string?> Device { get; } = DeviceOption();

    public Option<int?> Threads { get; } = PipelineOptions.Threads();

    public Option<int?> BatchSize { get; } = BatchSizeOption();

    public IEnumerable<Option> All => [Device, Threads, BatchSize];

    /// <summary>The pipeline with the options given on the command line in place of its own settings.</summary>
    public T Apply<T>(T pipeline, ParseResult parse) where T : Pipeline => (T)(pipeline with
    {
        Device = parse.GetValue(Device) ?? pipeline.Device,
        Tiling = pipeline.Tiling with { BatchSize = parse.GetValue(BatchSize) ?? pipeline.Tiling.BatchSize },
    });

    /// <summary>The device <paramref name="pipeline"/> (after <see cref="Apply"/>) runs on, with `--threads` set.</summary>
    public Device Resolve(Pipeline pipeline, ParseResult parse) => ComputeDevice.Resolve(pipeline.Device, parse.GetValue(Threads));

    /// <summary>The settings that may change a run's numbers, for its <see cref="JobFingerprint"/> (threads only change its speed).</summary>
    public static string Fingerprint(Pipeline pipeline, Device device) =>
        string.Create(CultureInfo.InvariantCulture, $"device={device.Type.ToString().ToLowerInvariant()} precision={pipeline.Precision} batch_size={pipeline.Tiling.BatchSize}");

    static Option<string?> DeviceOption()
    {
        var option = new Option<string?>("--device")
        {
            Description = "Where to run: auto, cpu or cuda (default: the pipeline's `device`; auto picks CUDA when this libtorch has a device).",
            HelpName = string.Join('|', Pipeline.Devices),
        };
        // one line, as every usage error (the parser's own list of choices spans several)
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && !Pipeline.Devices.Contains(token.Value))
                result.AddError($"--device must be one of {string.Join(", ", Pipeline.Devices)}, got {token.Value}");
        });
        return option;
    }

    static Option<int?> BatchSizeOption()
    {
        var option = new Option<int?>("--batch-size") { Description = "Windows per model call (default: the pipeline's `tiling.batch_size`)." };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && int.TryParse(token.Value, CultureInfo.InvariantCulture, out var n) && n < 1)
                result.AddError($"--batch-size must be at least 1, got {n}");
        });
        return option;
    }
}
