using System.CommandLine;
using System.Globalization;
using GeoDense.Backbones;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense model summary --arch A [--size S] [--num-classes K]`: parameters per stage and MACs.</summary>
public static class ModelSummaryCommand
{
    public static Command Create()
    {
        var arch = ModelOptions.Arch();
        var size = new Option<string>("--size") { Description = "Input size S or HxW for the MAC count.", DefaultValueFactory = _ => "224" };
        var classes = ModelOptions.NumClasses();
        var command = new Command("summary", "Print parameters per stage and multiply-accumulates for an input size.") { arch, size, classes };
        command.SetAction(parse => Run(parse.GetValue(arch)!, parse.GetValue(size)!, parse.GetValue(classes)));
        return command;
    }

    /// <summary>"224" or "512x384" (height x width).</summary>
    public static (int Height, int Width) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0))
        {
            var h = int.Parse(parts[0], CultureInfo.InvariantCulture);
            return (h, parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : h);
        }
        throw new UserInputException($"--size '{text}' is not a size; use S or HxW, e.g. 224 or 512x384");
    }

    private static int Run(string archName, string sizeText, int? numClasses)
    {
        if (numClasses is < 1) throw new UserInputException($"--num-classes must be at least 1, got {numClasses}");
        var (h, w) = ParseSize(sizeText);
        if (LitConfig.TryFromArch(archName) is { } lit) return LitModelCommands.Summary(lit, h, w, numClasses ?? 1000);
        var config = ModelOptions.ResolveArch(archName) with { NumClasses = numClasses ?? 1000 };
        var rows = LeMeViTSummary.Compute(config, h, w);
        Console.WriteLine($"{config.Name}  input {h}x{w}  classes {config.NumClasses}");
        Console.WriteLine($"{"part",-8} {"block",5} {"depth",5} {"channels",8} {"map",11} {"params",12} {"MMACs",10}");
        foreach (var r in rows)
        {
            var map = r.Height > 0 ? $"{r.Height}x{r.Width}" : "-";
            Console.WriteLine($"{r.Part,-8} {r.Block,5} {r.Depth,5} {r.Channels,8} {map,11} {r.Parameters,12:N0} {r.Macs / 1e6,10:F1}");
        }
        var parameters = rows.Sum(r => r.Parameters);
        var macs = rows.Sum(r => r.Macs);
        Console.WriteLine($"{"total",-8} {"",5} {"",5} {"",8} {"",11} {parameters,12:N0} {macs / 1e6,10:F1}");
        Console.WriteLine($"{config.Name}: {parameters / 1e6:F2}M parameters, {macs / 1e9:F2} GMACs at {h}x{w}");
        return 0;
    }
}
