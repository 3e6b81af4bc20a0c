using System.CommandLine;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Cli.Commands;

/// <summary>Options shared by the pipeline-driven commands (train, eval, segment).</summary>
public static class PipelineOptions
{
    public static Option<FileInfo> Pipeline() => new("--pipeline") { Description = "Pipeline file (YAML, see pipelines/).", Required = true };

    public static Option<FileInfo> Weights() => new("--weights") { Description = "Model weights (.safetensors from `geodense train`, or a reference .pth).", Required = true };

    public static Option<int?> Threads() => ThreadCount.Option("CPU threads for the model (default: all cores).");

    /// <summary>The pipeline file, which must be of the task <typeparamref name="T"/> the command runs.</summary>
    public static T Load<T>(FileInfo file) where T : GeoDense.Tasks.Pipelines.Pipeline => PipelineFile.Load<T>(file.FullName);

}
