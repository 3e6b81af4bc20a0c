using System.CommandLine;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>Options shared by the pipeline-driven commands (train, eval, segment).</summary>
public static class PipelineOptions
{
    public static Option<FileInfo> Pipeline() => new("--pipeline") { Description = "Pipeline file (YAML, see pipelines/).", Required = true };

    public static Option<FileInfo> Weights() => new("--weights") { Description = "Model weights (.safetensors from `geodense train`, or a reference .pth).", Required = true };

    public static Option<int?> Threads() => ThreadCount.Option("CPU threads for the model (default: all cores).");

    public static PipelineConfig Load(FileInfo file, string expectedTask)
    {
        var config = PipelineFile.Load(file.FullName);
        if (config.Task != expectedTask)
            throw new UserInputException($"{file}: pipeline task is '{config.Task}', this command needs '{expectedTask}'");
        return config;
    }

    /// <summary>The pipeline's `device` (auto picks CUDA when this libtorch has it) with the thread count applied.</summary>
    public static Device Device(PipelineConfig config, int? threads)
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
