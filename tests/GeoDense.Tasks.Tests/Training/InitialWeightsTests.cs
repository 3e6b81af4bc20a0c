using System.Security.Cryptography;
using GeoDense.Backbones;
using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Tests.Training;

/// <summary>
/// A backbone's initial weights for a seed are part of every learning and resume test's expectations: refactoring its
/// initialisation (e.g. the shared <see cref="Init.TimmLinearsAndNorms_"/>) must leave them bit-identical. The digests
/// were taken from the code before that helper existed.
/// </summary>
[Collection(SerialCollection.Name)]
public class InitialWeightsTests
{
    private static string Digest(Module model)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.StateDict())
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            sha.AppendData(tensor.Contiguous().ToBytes());
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    [Fact]
    public void LeMeViT_nano_classifier_initial_weights_for_seed_7_are_unchanged()
    {
        TorchRuntime.ManualSeed(7);
        using var model = new LeMeViTClassifier(LeMeViTConfig.Nano with { NumClasses = 4 });
        var digest = Digest(model);
        Assert.True(digest == "E55134F6A802393C4D87D11D45DFDB8D308F6B005920FDDBAA7BFB664635A167", $"state dict SHA-256 {digest}");
    }
}
