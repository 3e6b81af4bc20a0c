namespace GeoDense.Torch.NN;

/// <summary>Group normalisation over NC... input. Keys: weight, bias.</summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public long NumGroups { get; }
    public double Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numChannels % numGroups != 0) throw new ArgumentException($"{numChannels} channels are not divisible into {numGroups} groups");
        (NumGroups, Eps) = (numGroups, eps);
        using var scope = TorchRuntime.NewScope();
        if (!affine) return;
        Weight = RegisterParameter("weight", Tensor.Ones(numChannels));
        Bias = RegisterParameter("bias", Tensor.Zeros(numChannels));
    }

    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);
}
