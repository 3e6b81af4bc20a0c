using System.CommandLine;

namespace GeoDense.Cli.Commands;

public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the GeoDense version.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"geodense {typeof(VersionCommand).Assembly.GetName().Version}");
            return 0;
        });
        return command;
    }
}
