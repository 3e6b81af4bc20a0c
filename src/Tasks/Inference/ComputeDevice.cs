using GeoDense.Torch;

namespace GeoDense.Tasks.Inference;

/// <summary>The device a run uses: the pipeline's `device` (auto | cpu | cuda), or an override, with the CPU thread count.</summary>
public static class ComputeDevice
{
    /// <summary>More than 4 threads per core only adds contention; 256 caps it on very large machines.</summary>
    public static int MaxThreads { get; } = Math.Min(256, 4 * Environment.ProcessorCount);

    /// <summary>Sets libtorch's CPU thread count (null keeps its default: all cores).</summary>
    public static void SetThreads(int? threads)
    {
        if (threads is not { } n) return;
        if (n < 1 || n > MaxThreads)
            throw new Pipelines.PipelineInputException($"--threads must be between 1 and {MaxThreads} (4 x {Environment.ProcessorCount} cores, at most 256), got {n}");
        TorchRuntime.SetNumThreads(n);
    }

    /// <summary>The pipeline's `precision` (already checked when the pipeline was read).</summary>
    public static Precision PrecisionOf(Pipelines.Pipeline pipeline) =>
        ReducedPrecision.TryParse(pipeline.Precision) ?? throw new Pipelines.PipelineInputException(
            $"{pipeline.Source}: precision '{pipeline.Precision}' is not one of {string.Join(", ", ReducedPrecision.Names)}");

    public static Device Resolve(string requested, int? threads = null)
    {
        SetThreads(threads);
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
