using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>A backbone with a classification head (LeMeViT's or LIT's), as scene classification and the model
/// commands use it without knowing the family.</summary>
public interface ISceneClassifier : IDisposable
{
    /// <summary>The classifier itself, for what every module does (moving, train/eval, parameters, state dict).</summary>
    Module Module { get; }

    int NumClasses { get; }

    /// <summary>Logits [B, NumClasses] for an image [B, C, H, W]; owned by the caller's scope.</summary>
    Tensor Classify(Tensor image);
}
