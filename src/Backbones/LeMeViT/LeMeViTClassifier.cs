using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>
/// LeMeViT for scene classification (the reference's models/lemevit.py): the backbone plus
/// BatchNorm on the final image map, LayerNorm on the meta tokens, the mean image token plus the mean
/// meta token, and a linear head (key "head", Config.NumClasses outputs).
/// </summary>
public sealed class LeMeViTClassifier : LeMeViTBackbone, ISceneClassifier
{
    private readonly BatchNorm2d _norm;
    private readonly LayerNorm _normC;
    private readonly Linear _head;

    public LeMeViTClassifier(LeMeViTConfig config) : base(config)
    {
        if (config.NumClasses < 1) throw new ArgumentException($"{config.Name}: num_classes must be positive, got {config.NumClasses}");
        _norm = (BatchNorm2d)NamedChildren().Single(c => c.Key == "norm").Value;
        _normC = (LayerNorm)NamedChildren().Single(c => c.Key == "norm_c").Value;
        using var scope = TorchRuntime.NewScope();
        _head = RegisterModule("head", new Linear(config.Dims[^1], config.NumClasses));
        using var noGrad = TorchRuntime.NoGrad();
        Init.TruncNormal_(_head.Weight, std: 0.02);
        Init.Zeros_(_head.Bias!);
    }

    public int NumClasses => Config.NumClasses;
    Module ISceneClassifier.Module => this;

    /// <summary>Logits [B, NumClasses]; owned by the caller's scope.</summary>
    public Tensor Classify(Tensor input) => ForwardWithFeatures(input, withFeatures: false).Logits;

    /// <summary>Logits and the dense features of the same pass (features empty unless asked for).</summary>
    public (Tensor Logits, IReadOnlyList<Tensor> Features) ForwardWithFeatures(Tensor input, bool withFeatures = true)
    {
        CheckInput(input);
        var features = new List<Tensor>(4);
        Tensor logits;
        using (var scope = TorchRuntime.NewScope())
        {
            var (x, c) = RunStages(input, updateMetaEverywhere: true, withFeatures ? features : null);
            var pooled = _norm.Forward(x).Mean([2, 3]).Add(_normC.Forward(c).Mean(1));
            logits = _head.Forward(pooled).MoveToOuter();
            foreach (var f in features) f.MoveToOuter();
        }
        return (logits, features);
    }
}
