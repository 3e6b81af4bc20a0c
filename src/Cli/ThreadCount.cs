using System.CommandLine;
using System.Globalization;

namespace GeoDense.Cli;

/// <summary>
/// The `--threads` option: bounded at parse time, so `--threads 0` or `--threads 100000` is a usage error (exit 2)
/// instead of a libtorch failure or a machine brought to its knees by oversubscription.
/// </summary>
public static class ThreadCount
{
    public static int Maximum => Tasks.Inference.ComputeDevice.MaxThreads;

    public static Option<int?> Option(string description)
    {
        var option = new Option<int?>("--threads") { Description = $"{description} 1..{Maximum}." };
        option.Validators.Add(result =>
        {
            // a token that is not a number is System.CommandLine's conversion error, reported on its own
            if (result.Tokens is [{ } token] && int.TryParse(token.Value, CultureInfo.InvariantCulture, out var n) && (n < 1 || n > Maximum))
                result.AddError($"--threads must be between 1 and {Maximum} (4 x {Environment.ProcessorCount} cores, at most 256), got {n}");
        });
        return option;
    }
}
