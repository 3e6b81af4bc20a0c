using System.CommandLine;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>Options shared by the pipeline-driven commands (train, eval, segment).</summary>
public static class PipelineOptions
{
    public static Option<FileInfo> Pipeline() => new("--pipeline") { Description = "Pipeline file (YAML, see pipelines/).", Required = true };

    public static Option<FileInfo> Weights() => new("--weights") { Description = "Model weights (.safetensors from `geodense train`, or a reference .pth).", Required = true };

    public static Option<int?> Threads() => new("--threads") { Description = "CPU threads for the model (default: all cores)." };

    /// <summary>The pipeline file, which must be of the task <typeparamref name="T"/> the command runs.</summary>
    public static T Load<T>(FileInfo file) where T : GeoDense.Tasks.Pipelines.Pipeline => PipelineFile.Load<T>(file.FullName);

    /// <summary>The pipeline's `device` (auto picks CUDA when this libtorch has it) with the thread count applied.</summary>
    public static Device Device(GeoDense.Tasks.Pipelines.Pipeline config, int? threads)
    {
        if (threads is { } n) TorchRuntime.SetNumThreads(n);
        return config.Device switch
        {
            "cpu" => Torch.Device.Cpu,
            "cuda" when !TorchRuntime.CudaIsAvailable() => throw new UserInputException("the pipeline asks for device: cuda but this libtorch has no CUDA device"),
            "cuda" => Torch.Device.Cuda,
            _ => TorchRuntime.CudaIsAvailable() ? Torch.Device.Cuda : Torch.Device.Cpu,
        };
    }
}
