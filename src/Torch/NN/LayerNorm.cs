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

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);
}
