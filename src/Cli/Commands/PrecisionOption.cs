using System.CommandLine;
using GeoDense.Torch;

namespace GeoDense.Cli.Commands;

/// <summary>`--precision fp32|bf16|int8` for the commands that run a model (overrides the pipeline's `precision`).</summary>
public static class PrecisionOption
{
    public static Option<string> Create(bool withDefault = true) => new("--precision")
    {
        Description = "Inference arithmetic: fp32 (default), bf16 (autocast; CPUs with AVX512-BF16/AMX, or CUDA) or int8 (Linear layers in int8, the rest in bf16 where the CPU has it; CPU, the fastest there).",
        DefaultValueFactory = withDefault ? _ => "fp32" : null,
    };

    public static Precision Parse(string text) => ReducedPrecision.TryParse(text)
        ?? throw new UserInputException($"--precision '{text}' is not one of {string.Join(", ", ReducedPrecision.Names)}");
}
