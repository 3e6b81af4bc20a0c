using System.CommandLine;
using GeoDense.Backbones;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Cli.Commands;

/// <summary>Options and helpers shared by the `model` subcommands.</summary>
public static class ModelOptions
{
    public static Option<string> Arch(bool required = true) => new("--arch")
    {
        Description = $"Backbone: {string.Join(" | ", BackboneCatalog.ArchNames)}.",
        Required = required,
    };

    public static Option<int?> NumClasses() => new("--num-classes") { Description = "Classes of the classification head (default: from the weights, else 1000)." };

    public static Option<int?> Threads() => ThreadCount.Option("CPU threads for libtorch (default: all cores).");

    public static BackboneArch ResolveArch(string arch) =>
        BackboneCatalog.TryResolve(arch)
        ?? throw new UserInputException($"--arch '{arch}' is not a known backbone; use one of {string.Join(", ", BackboneCatalog.ArchNames)}");

    public static Option<string> Device() => new("--device") { Description = "Where to run: cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };

    public static Device ResolveDevice(string text)
    {
        Device device;
        try { device = Torch.Device.Parse(text); }
        catch (FormatException e) { throw new UserInputException($"--device: {e.Message}"); }
        if (device.IsCuda && !TorchRuntime.CudaIsAvailable())
            throw new UserInputException($"--device {text}: this libtorch ({TorchRuntime.TorchVersion}) sees no CUDA device; use --device cpu");
        return device;
    }

    public static void ApplyThreads(int? threads) => Tasks.Inference.ComputeDevice.SetThreads(threads);

    /// <summary>Named tensors from a safetensors file as native tensors (owned by the current scope).</summary>
    public static Tensor ReadTensor(FileInfo file, string name)
    {
        if (!file.Exists) throw new UserInputException($"{file}: input file not found");
        var content = Safetensors.Read(file.FullName);
        if (!content.Tensors.TryGetValue(name, out var data))
            throw new UserInputException($"{file}: has no tensor named '{name}' (it has: {string.Join(", ", content.Tensors.Keys)})");
        return Tensor.FromBytes(data.DType, data.Shape, data.Data.Span);
    }

    public static TensorData ToData(Tensor tensor)
    {
        using var cpu = tensor.Device.IsCuda ? tensor.Cpu() : null;
        var host = cpu ?? tensor;
        return new(host.DType, host.Shape, host.ToBytes());
    }
}
