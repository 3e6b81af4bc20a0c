using System.CommandLine;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense model forward|convert|summary|bench`: backbone-level tools (SPEC §6).</summary>
public static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "Run, convert, describe or time a backbone.");
        command.Subcommands.Add(ModelForwardCommand.Create());
        command.Subcommands.Add(ModelConvertCommand.Create());
        command.Subcommands.Add(ModelSummaryCommand.Create());
        command.Subcommands.Add(ModelBenchCommand.Create());
        return command;
    }
}
