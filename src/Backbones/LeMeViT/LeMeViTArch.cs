using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>LeMeViT as a catalog backbone (<see cref="BackboneArch"/>).</summary>
public sealed class LeMeViTArch(LeMeViTConfig config) : BackboneArch
{
    public LeMeViTConfig Config { get; } = config;
    public override string Name => Config.Name;
    public override int InChannels => Config.InChannels;
    public override int NumClasses => Config.NumClasses;

    public override BackboneArch With(int numClasses, int inChannels) => new LeMeViTArch(Config with { NumClasses = numClasses, InChannels = inChannels });
    public override string ToJson() => Config.ToJson();
    public override ISceneClassifier CreateClassifier() => new LeMeViTClassifier(Config);
    public override IDenseBackbone CreateDense() => new LeMeViTBackbone(Config);

    public override string Load(Module model, IReadOnlyDictionary<string, TensorData> stateDict, string source, bool strict = true) =>
        LeMeViTWeights.Load(model, stateDict, source, strict).ToString();

    /// <summary>With a head, the logits and the features come from the classifier's one pass (its meta tokens also go
    /// through the self-attention stages, as the reference classifier's do); without, from the dense backbone.</summary>
    public override BackboneOutputs Forward(IReadOnlyDictionary<string, TensorData> stateDict, string source, int? classes, Tensor image,
        Device device, TextWriter notes)
    {
        if (classes is { } c)
        {
            using var model = new LeMeViTClassifier(Config with { NumClasses = c });
            if (LeMeViTWeights.Load(model, stateDict, source).HeadMissing)
                notes.WriteLine("warning: the weights have no classification head; logits come from an untrained head");
            model.To(device);
            model.Eval();
            var (logits, features) = model.ForwardWithFeatures(image);
            return new BackboneOutputs(logits, features);
        }
        using var backbone = new LeMeViTBackbone(Config);
        LeMeViTWeights.Load(backbone, stateDict, source);
        backbone.To(device);
        backbone.Eval();
        notes.WriteLine($"{source}: no classification head; writing features only (give --num-classes for logits from an untrained head)");
        return new BackboneOutputs(null, backbone.Forward(image));
    }

    public override IReadOnlyList<BackboneSummaryRow> Summary(long height, long width, bool withHead = true) =>
        LeMeViTSummary.Compute(Config, height, width, withHead)
            .Select(r => new BackboneSummaryRow(r.Part, r.Block, r.Depth, r.Channels, r.Height, r.Width, r.Parameters, r.Macs)).ToList();
}
