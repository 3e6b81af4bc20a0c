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
        var arch = ModelOptions.ResolveArch(archName);
        arch = arch.With(numClasses ?? 1000, arch.InChannels);
        var rows = arch.Summary(h, w);
        Console.WriteLine($"{arch.Name}  input {h}x{w}  classes {arch.NumClasses}");
        Console.WriteLine($"{"part",-8} {"block",5} {"depth",5} {"channels",8} {"map",11} {"params",12} {"MMACs",10}");
        static string Macs(long? macs) => macs is { } m ? $"{m / 1e6:F1}" : "-";
        foreach (var r in rows)
        {
            var map = r.Height > 0 ? $"{r.Height}x{r.Width}" : "-";
            Console.WriteLine($"{r.Part,-8} {r.Block,5} {r.Depth,5} {r.Channels,8} {map,11} {r.Parameters,12:N0} {Macs(r.Macs),10}");
        }
        var parameters = rows.Sum(r => r.Parameters);
        long? macs = rows.All(r => r.Macs is not null) ? rows.Sum(r => r.Macs!.Value) : null;
        Console.WriteLine($"{"total",-8} {"",5} {"",5} {"",8} {"",11} {parameters,12:N0} {Macs(macs),10}");
        Console.WriteLine(macs is { } total
            ? $"{arch.Name}: {parameters / 1e6:F2}M parameters, {total / 1e9:F2} GMACs at {h}x{w}"
            : $"{arch.Name}: {parameters / 1e6:F2}M parameters (no MAC count for this family)");
        return 0;
    }
}
