namespace GeoDense.Torch.NN;

/// <summary>Layer normalisation over the trailing dims. Keys: weight, bias.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public long[] NormalizedShape { get; }
    public double Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine)
    {
    }

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
    {
        (NormalizedShape, Eps) = (normalizedShape, eps);
        using var scope = TorchRuntime.NewScope();
        if (!elementwiseAffine) return;
        Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape));
        if (bias) Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape));
    }

    /// <remarks>Under bf16 autocast a bf16 input is normalised in the weight's fp32, as CUDA autocast does (libtorch
    /// 1.13's CPU autocast would instead run layer_norm in bf16 and refuse the fp32 weight); the shim does the cast,
    /// and for CPU inference it normalises bf16 rows in one oneDNN pass with fp32 statistics that returns bf16
    /// (the bf16 matmuls after it would round an fp32 result the same way).</remarks>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);
}
