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

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
