using System.CommandLine;
using System.CommandLine.Help;
using GeoDense.Cli.Commands;

namespace GeoDense.Cli.Tests;

/// <summary>
/// `geodense --help` and every command's help are complete (every command, option and argument says what it is for),
/// consistent (an option name means one thing wherever it appears) and carry SPEC §6's names.
/// </summary>
public class HelpTests
{
    static readonly RootCommand Root = CommandCatalog.Root();

    static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
            foreach (var found in Walk(sub, $"{path} {sub.Name}")) yield return found;
    }

    static IEnumerable<(string Path, Command Command)> All => Walk(Root, "geodense");

    [Fact]
    public void Every_command_option_and_argument_has_a_description()
    {
        var missing = new List<string>();
        foreach (var (path, command) in All)
        {
            if (string.IsNullOrWhiteSpace(command.Description)) missing.Add(path);
            missing.AddRange(command.Options.Where(o => !o.Hidden && string.IsNullOrWhiteSpace(o.Description)).Select(o => $"{path} {o.Name}"));
            missing.AddRange(command.Arguments.Where(a => !a.Hidden && string.IsNullOrWhiteSpace(a.Description)).Select(a => $"{path} <{a.Name}>"));
        }
        Assert.True(missing.Count == 0, "no description:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Descriptions_are_sentences()
    {
        var bad = new List<string>();
        foreach (var (path, command) in All)
        {
            var described = new List<(string What, string? Text)> { (path, command.Description) };
            // (System.CommandLine's own --help and --version are worded its way)
            described.AddRange(command.Options.Where(o => !o.Hidden && o is not (HelpOption or VersionOption)).Select(o => ($"{path} {o.Name}", o.Description)));
            described.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => ($"{path} <{a.Name}>", a.Description)));
            foreach (var (what, text) in described)
                if (text is { Length: > 0 } t && (!char.IsUpper(t[0]) && !char.IsDigit(t[0]) || !(t.EndsWith('.') || t.EndsWith(')') || t.EndsWith('?'))))
                    bad.Add($"{what}: \"{t}\"");
        }
        Assert.True(bad.Count == 0, "descriptions should start with a capital and end with a full stop:\n" + string.Join("\n", bad));
    }

    [Fact]
    public void Options_the_pipeline_commands_share_read_alike()
    {
        var commands = All.Where(c => c.Path is "geodense segment" or "geodense detect" or "geodense change" or "geodense train" or "geodense eval")
            .Select(c => c.Command).ToList();
        Assert.Equal(5, commands.Count);
        var differing = new List<string>();
        foreach (var name in new[] { "--pipeline", "--weights", "--threads" })
        {
            var texts = commands.SelectMany(c => c.Options.Where(o => o.Name == name).Select(o => $"{c.Name}: {o.Description}")).ToList();
            if (texts.Select(t => t[(t.IndexOf(':') + 2)..]).Distinct().Count() > 1) differing.Add($"{name}:\n  " + string.Join("\n  ", texts));
        }
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    [Fact]
    public void Spec_commands_and_options_are_there()
    {
        var commands = All.ToDictionary(c => c.Path, c => c.Command);
        var expected = new Dictionary<string, string[]>
        {
            ["geodense info"] = [],
            ["geodense model forward"] = ["--arch", "--pipeline", "--weights", "--input", "--output"],
            ["geodense model convert"] = ["--arch", "--weights", "--output"],
            ["geodense model bench"] = ["--arch", "--batch", "--size", "--seconds", "--threads"],
            ["geodense segment"] = ["--pipeline", "--weights", "--input", "--output"],
            ["geodense detect"] = ["--pipeline", "--weights", "--input", "--output", "--dota-submission"],
            ["geodense change"] = ["--pipeline", "--weights", "--before", "--after", "--output"],
            ["geodense dota split"] = [],
            ["geodense dota merge"] = [],
            ["geodense view"] = [],
            ["geodense worker"] = ["--config"],
            ["geodense demo"] = [],
        };
        // TASK is an argument: `geodense train TASK`, `geodense eval TASK`
        expected["geodense train"] = ["--pipeline", "--resume"];
        expected["geodense eval"] = ["--pipeline", "--weights", "--data"];
        var problems = new List<string>();
        foreach (var (path, options) in expected)
        {
            if (!commands.TryGetValue(path, out var command)) { problems.Add($"{path}: no such command"); continue; }
            problems.AddRange(options.Where(o => command.Options.All(x => x.Name != o)).Select(o => $"{path}: no {o}"));
        }
        foreach (var path in new[] { "geodense train", "geodense eval" })
            if (commands.TryGetValue(path, out var command) && command.Arguments.All(a => a.Name != "task")) problems.Add($"{path}: no TASK argument");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Help_prints_for_every_command()
    {
        foreach (var (path, command) in All)
        {
            var output = new StringWriter();
            var args = path.Split(' ').Skip(1).Append("--help").ToArray();
            int code = Root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output });
            var text = output.ToString();
            Assert.True(code == 0, $"{path} --help: exit {code}\n{text}");
            Assert.Contains("Usage:", text);
            Assert.Contains(command.Description!.Split('\n')[0], text);
        }
    }
}
