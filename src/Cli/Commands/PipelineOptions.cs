using System.CommandLine;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>Options shared by the pipeline-driven commands (train, eval, segment).</summary>
public static class PipelineOptions
{
    public static Option<FileInfo> Pipeline() => new("--pipeline") { Description = "Pipeline file (YAML, see pipelines/).", Required = true };

    public static Option<FileInfo> Weights() => new("--weights") { Description = "Model weights (.safetensors from `geodense train`, or a reference .pth).", Required = true };

    public static Option<int?> Threads() => new("--threads") { Description = "CPU threads for the model (default: all cores)." };

    public static PipelineConfig Load(FileInfo file, string expectedTask)
    {
        var config = PipelineFile.Load(file.FullName);
        if (config.Task != expectedTask)
            throw new UserInputException($"{file}: pipeline task is '{config.Task}', this command needs '{expectedTask}'");
        return config;
    }

}
