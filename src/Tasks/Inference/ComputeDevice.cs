using GeoDense.Torch;

namespace GeoDense.Tasks.Inference;

/// <summary>The device a run uses: the pipeline's `device` (auto | cpu | cuda), or an override, with the CPU thread count.</summary>
public static class ComputeDevice
{
    /// <summary>More threads than this is a typo, not a setting.</summary>
    public static int MaxThreads => Math.Max(256, 4 * Environment.ProcessorCount);

    public static Device Resolve(string requested, int? threads = null)
    {
        if (threads is { } n)
        {
            if (n < 1 || n > MaxThreads) throw new Pipelines.PipelineInputException($"--threads {n}: use 1..{MaxThreads}");
            TorchRuntime.SetNumThreads(n);
        }
        return requested switch
        {
            "cpu" => Device.Cpu,
            "cuda" when !TorchRuntime.CudaIsAvailable() =>
                throw new Pipelines.PipelineInputException("device cuda was asked for, but this libtorch has no CUDA device; use device: cpu or auto"),
            "cuda" => Device.Cuda,
            "auto" => TorchRuntime.CudaIsAvailable() ? Device.Cuda : Device.Cpu,
            _ => throw new Pipelines.PipelineInputException($"device '{requested}' is not one of auto, cpu, cuda"),
        };
    }
}
