using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>LIT as a catalog backbone (<see cref="BackboneArch"/>).</summary>
public sealed class LitArch(LitConfig config) : BackboneArch
{
    public LitConfig Config { get; } = config;
    public override string Name => Config.Name;
    public override int InChannels => Config.InChannels;
    public override int NumClasses => Config.NumClasses;

    public override BackboneArch With(int numClasses, int inChannels) => new LitArch(Config with { NumClasses = numClasses, InChannels = inChannels });
    public override string ToJson() => Config.ToJson();
    public override ISceneClassifier CreateClassifier() => LitBackbone.Create(Config, classifier: true);
    public override IDenseBackbone CreateDense() => LitBackbone.Create(Config);

    public override string Load(Module model, IReadOnlyDictionary<string, TensorData> stateDict, string source, bool strict = true) =>
        LitWeights.Load((LitBackbone)model, stateDict, source, strict).ToString();

    /// <summary>The classifier and the dense backbone have different keys (LIT-S/M/B's dense backbone adds output norms), so
    /// the logits come from the classifier and the features from the dense backbone, both loaded from the same weights.</summary>
    public override BackboneOutputs Forward(IReadOnlyDictionary<string, TensorData> stateDict, string source, int? classes, Tensor image,
        Device device, TextWriter notes)
    {
        Tensor? logits = null;
        if (classes is { } c)
        {
            using var classifier = LitBackbone.Create(Config with { NumClasses = c }, classifier: true);
            // a dense (mmdet/mmseg) checkpoint has output norms a classifier lacks: only a checkpoint with a head must fit exactly
            var report = LitWeights.Load(classifier, stateDict, source, strict: BackboneCatalog.HeadClasses(stateDict) is not null);
            if (report.Kept.Any(key => key.StartsWith("head.", StringComparison.Ordinal)))
                notes.WriteLine("warning: the weights have no classification head; logits come from an untrained head");
            classifier.To(device);
            classifier.Eval();
            logits = classifier.Classify(image);
        }
        using var dense = LitBackbone.Create(Config);
        var denseReport = LitWeights.Load(dense, stateDict, source);
        if (denseReport.Kept.Count > 0)
            notes.WriteLine($"note: {string.Join(", ", denseReport.Kept)} are not in the weights (an ImageNet checkpoint); the features use their initial values");
        dense.To(device);
        dense.Eval();
        return new BackboneOutputs(logits, dense.Forward(image));
    }

    /// <summary>Parameters per stage (the patch embedding or token merging into the stage, and its blocks) and the feature
    /// map sizes; LIT has no MAC count.</summary>
    public override IReadOnlyList<BackboneSummaryRow> Summary(long height, long width, bool withHead = true)
    {
        using var model = withHead ? LitBackbone.Create(Config, classifier: true) : LitBackbone.Create(Config);
        var parameters = model.NamedParameters().ToList();
        long Count(Func<string, bool> belongs) => parameters.Where(p => belongs(p.Key)).Sum(p => p.Value.Numel);
        var tiny = Config.Layout == LitLayout.Tiny;
        var (h, w) = tiny ? (height / 4, width / 4) : ((height + 3) / 4, (width + 3) / 4);
        var rows = new List<BackboneSummaryRow>();
        for (var stage = 0; stage < LitConfig.StageCount; stage++)
        {
            var i = stage;
            var count = tiny
                ? Count(k => k.StartsWith($"patch_embed{i + 1}.") || k.StartsWith($"block{i + 1}.") || k == $"pos_embed{i + 1}")
                : Count(k => (i == 0 && k.StartsWith("patch_embed.")) || k.StartsWith($"layers.{i}.blocks.") || (i > 0 && k.StartsWith($"layers.{i - 1}.downsample.")));
            rows.Add(new BackboneSummaryRow($"stage {i + 1}", i < 2 ? "M" : "A", Config.Depths[i], Config.Dims[i], h, w, count, null));
            (h, w) = (h / 2, w / 2);
        }
        // the rest: the head with its norm (and LIT-Ti's class token), or the dense backbone's output norms
        rows.Add(new BackboneSummaryRow(withHead ? "head" : "norms", "-", 0, withHead ? Config.NumClasses : 0, 0, 0,
            model.ParameterCount() - rows.Sum(r => r.Parameters), null));
        return rows;
    }
}
