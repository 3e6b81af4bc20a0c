namespace GeoDense.Torch.NN;

/// <summary>nn.AdaptiveAvgPool2d (stateless).</summary>
public sealed class AdaptiveAvgPool2d(int outputSize) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);
}
