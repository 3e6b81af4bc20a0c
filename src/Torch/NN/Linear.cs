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

    /// <summary>
    /// Inference on the CPU runs the product in int8 (<see cref="Functional.InferenceLinear"/> with int8: weights
    /// quantized per output channel, inputs per call and block of rows, like torch.ao.quantization.quantize_dynamic). Training and
    /// CUDA forwards ignore it.
    /// </summary>
    public bool Int8 { get; set; }

    public override Tensor Forward(Tensor input) =>
        InfersOnOneDnn(input) ? Functional.InferenceLinear(input, Weight, Bias, int8: Int8)
        : Functional.Linear(input, Weight, Bias);

    /// <summary>
    /// Whether a forward of <paramref name="input"/> runs on the shim's oneDNN linear (<see cref="Functional.InferenceLinear"/>):
    /// CPU inference of fp32 or bf16 inputs does (weights packed once) rather than
    /// libtorch's addmm, which goes to OpenBLAS: its thread pool, woken by even a small product, then competes with
    /// the OpenMP threads of whatever runs next (LeMeViT fp32 +15-30% once its last plain linears moved;
    /// docs/performance.md).
    /// </summary>
    public bool InfersOnOneDnn(Tensor input) => Functional.InfersOnOneDnn(input);
}
