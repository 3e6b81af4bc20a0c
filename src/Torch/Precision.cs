using System.Runtime.Intrinsics.X86;
using GeoDense.Torch.NN;

namespace GeoDense.Torch;

/// <summary>Arithmetic a model runs inference in: the `precision` pipeline key and `--precision` option.</summary>
public enum Precision
{
    /// <summary>float32 everywhere (the default; parity with the reference).</summary>
    Fp32,
    /// <summary>bfloat16 autocast: convolutions and matrix products in bf16, norms and softmax in fp32.</summary>
    Bf16,
    /// <summary>Linear layers as int8 products (weights per output channel, activations quantized per call, on oneDNN);
    /// the rest in bf16 autocast where the CPU has bf16 instructions, else fp32. The fastest path on the CPU.</summary>
    Int8,
}

/// <summary>A precision this machine or libtorch cannot run, said in one line with what to use instead.</summary>
public sealed class PrecisionNotSupportedException(string message) : InputException(message);

/// <summary>Switching a model to a <see cref="Precision"/> for inference, and checking the machine can.</summary>
public static class ReducedPrecision
{
    public static IReadOnlyList<string> Names { get; } = ["fp32", "bf16", "int8"];

    public static Precision? TryParse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" => Precision.Fp32,
        "bf16" => Precision.Bf16,
        "int8" => Precision.Int8,
        _ => null,
    };

    public static string Name(this Precision precision) => Names[(int)precision];

    /// <summary>
    /// AVX512-BF16 (CPUID leaf 7 sub-leaf 1, EAX bit 5) or AMX-BF16 (leaf 7, EDX bit 22): without either, oneDNN
    /// emulates bf16 and runs slower than fp32, so bf16 on such a CPU is refused rather than silently slow.
    /// </summary>
    public static bool CpuHasBf16
    {
        get
        {
            if (!X86Base.IsSupported) return false;
            var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
            if (maxLeaf < 7) return false;
            var (_, _, _, edx) = X86Base.CpuId(7, 0);
            var (eax, _, _, _) = X86Base.CpuId(7, 1);
            return (eax & (1 << 5)) != 0 || (edx & (1 << 22)) != 0;
        }
    }

    /// <summary>Refuses a precision the device cannot run (one line saying what to use instead).</summary>
    public static void CheckSupported(Precision precision, Device device)
    {
        switch (precision)
        {
            case Precision.Bf16 when !device.IsCuda && !CpuHasBf16:
                throw new PrecisionNotSupportedException(
                    "precision bf16: this CPU has no bf16 instructions (AVX512-BF16 or AMX), so bf16 would be slower than fp32; use precision fp32 or int8");
            case Precision.Int8 when device.IsCuda:
                throw new PrecisionNotSupportedException(
                    "precision int8: int8 dynamic quantization runs on the CPU only; on cuda use precision bf16 or fp32");
            case Precision.Int8 when !Functional.HasOneDnnLinear:
                throw new PrecisionNotSupportedException(
                    "precision int8: this build of the native shim has no oneDNN (build it against the system libdnnl, as ./geodense setup does); use precision fp32");
            case Precision.Int8 when !Functional.HasFastInt8Linear:
                throw new PrecisionNotSupportedException(
                    "precision int8: oneDNN has no int8 kernel for this CPU (it needs AVX-512 or AVX-VNNI), so int8 would be far slower than fp32; use precision fp32");
        }
    }

    /// <summary>
    /// Readies a loaded model (eval mode, on <paramref name="device"/>) for inference in <paramref name="precision"/>:
    /// int8 marks every Linear layer (<see cref="Linear.Int8"/>; each weight is quantized and packed at its first
    /// forward) and every ungrouped Conv2d (<see cref="Conv2d.Int8"/>, used by models that run their convolutions
    /// through <see cref="Conv2d.InferOnOneDnn"/>, such as LeMeViT's downsampling); nothing stored changes otherwise (run forwards inside <see cref="Scope"/>).
    /// </summary>
    public static void Prepare(Module model, Precision precision, Device device)
    {
        CheckSupported(precision, device);
        foreach (var module in model.Modules())
            switch (module)
            {
                case Linear linear: linear.Int8 = precision == Precision.Int8; break;
                case Conv2d conv: conv.Int8 = precision == Precision.Int8 && conv.Groups == 1; break;
            }
    }

    /// <summary>The scope a forward pass runs in: bf16 autocast for <see cref="Precision.Bf16"/>, and for
    /// <see cref="Precision.Int8"/> where the CPU has bf16 (everything but its int8 products); nothing otherwise.
    /// Autocast is per thread: open it on the thread that runs the model.</summary>
    public static AutocastScope? Scope(Precision precision, Device device) =>
        precision == Precision.Bf16 || (precision == Precision.Int8 && !device.IsCuda && CpuHasBf16)
            ? TorchRuntime.Autocast(device, ScalarType.BFloat16)
            : null;
}
