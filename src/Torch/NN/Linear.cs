namespace GeoDense.Torch.NN;

/// <summary>y = x Wᵀ + b. Keys: weight [out, in], bias [out]. Initialised like torch.nn.Linear.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        using var scope = TorchRuntime.NewScope();
        Weight = RegisterParameter("weight", Init.KaimingUniform_(Tensor.Empty(outFeatures, inFeatures), Math.Sqrt(5)));
        if (bias)
        {
            var bound = 1 / Math.Sqrt(inFeatures);
            Bias = RegisterParameter("bias", Init.Uniform_(Tensor.Empty(outFeatures), -bound, bound));
        }
    }

    private PackedInt8Linear? _int8;

    /// <summary>True after <see cref="QuantizeInt8"/>: forwards run the int8 GEMM.</summary>
    public bool IsInt8 => _int8 is not null;

    /// <summary>
    /// Inference only: packs the current weight as int8 (per output channel) so forwards run libtorch's dynamic
    /// int8 linear, like torch.ao.quantization.quantize_dynamic. Later changes to Weight are not seen.
    /// </summary>
    public void QuantizeInt8()
    {
        _int8?.Dispose();
        _int8 = new PackedInt8Linear(Weight, Bias);
    }

    public override Tensor Forward(Tensor input) =>
        _int8 is { } packed ? packed.Forward(input)
        : InfersOnOneDnn(input) ? Functional.InferenceLinear(input, Weight, Bias)
        : Functional.Linear(input, Weight, Bias);

    /// <summary>
    /// Whether a forward of <paramref name="input"/> runs on the shim's oneDNN linear (<see cref="Functional.InferenceLinear"/>):
    /// CPU inference of fp32 or bf16 inputs does (weights packed once) rather than
    /// libtorch's addmm, which goes to OpenBLAS: its thread pool, woken by even a small product, then competes with
    /// the OpenMP threads of whatever runs next (LeMeViT fp32 +15-30% once its last plain linears moved;
    /// docs/performance.md).
    /// </summary>
    public bool InfersOnOneDnn(Tensor input) =>
        !IsInt8 && Functional.HasOneDnnLinear && !TorchRuntime.IsGradEnabled && !input.Device.IsCuda &&
        input.DType is ScalarType.Float32 or ScalarType.BFloat16;

    protected override void ReleaseNative() => _int8?.Dispose();
}
