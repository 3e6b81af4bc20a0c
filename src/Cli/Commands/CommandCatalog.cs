using System.CommandLine;

namespace GeoDense.Cli.Commands;

/// <summary>Every top-level `geodense` command, in help order. Add new commands here.</summary>
public static class CommandCatalog
{
    /// <summary>The `geodense` command with every command under it (the program runs it; the help test walks it).</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand("GeoDense: dense prediction on geospatial rasters (LeMeViT + UperNet / Oriented R-CNN / BIT).");
        foreach (var command in All()) root.Subcommands.Add(command);
        return root;
    }

    public static IEnumerable<Command> All()
    {
        yield return VersionCommand.Create();
        yield return InfoCommand.Create();
        yield return Demo.DemoCommand.Create();
        yield return ModelCommand.Create();
        yield return SegmentCommand.Create();
        yield return ChangeMapCommand.Create();
        yield return TrainCommand.Create();
        yield return EvalCommand.Create();
        yield return WorkerCommand.Create();
        yield return ViewCommand.Create();
        yield return DotaCommand.Create();
        yield return DetectCommand.Create(GeoDense.Tasks.Detection.DetectionModels.LoadDetector);
    }
}
