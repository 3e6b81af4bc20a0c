using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Backbones;

/// <summary>
/// Every backbone a pipeline's model.backbone or a command's --arch may name (LeMeViT and LIT variants): a name resolves
/// to a <see cref="BackboneArch"/> (build, load, describe without knowing the family), plus the shortcuts dense tasks
/// use (a fresh dense backbone, loading weights into it, naming a state dict's backbone). Typed configs stay with each
/// family; this only maps names to them.
/// </summary>
public static class BackboneCatalog
{
    public static IReadOnlyList<string> ArchNames { get; } = [.. LeMeViTConfig.ArchNames, .. LitConfig.ArchNames];

    public static bool IsKnown(string arch) => TryResolve(arch) is not null;

    /// <summary>The named backbone (any family); null when the name is unknown.</summary>
    public static BackboneArch? TryResolve(string arch) =>
        LeMeViTConfig.TryFromArch(arch) is { } lemevit ? new LeMeViTArch(lemevit)
        : LitConfig.TryFromArch(arch) is { } lit ? new LitArch(lit)
        : null;

    /// <summary>Number of classes of a state dict's classification head (`head.weight`, the same key in every family); null when it has none.</summary>
    public static int? HeadClasses(IReadOnlyDictionary<string, TensorData> stateDict) =>
        stateDict.TryGetValue("head.weight", out var w) && w.Shape.Length == 2 ? (int)w.Shape[0] : null;

    /// <summary>A fresh dense backbone (a <see cref="Module"/>) for <paramref name="arch"/> reading <paramref name="inChannels"/>
    /// bands; null when the name is unknown.</summary>
    public static IDenseBackbone? TryCreateDense(string arch, int inChannels) =>
        TryResolve(arch) is { } backbone ? backbone.With(backbone.NumClasses, inChannels).CreateDense() : null;

    /// <summary>Loads backbone weights (an ImageNet/scene classifier checkpoint, or the `backbone.*` of a segmentor) into a
    /// backbone made by <see cref="TryCreateDense"/>; throws <see cref="CheckpointInputException"/> for weights that do not fit.</summary>
    public static void LoadDense(IDenseBackbone backbone, string path)
    {
        switch (backbone)
        {
            case LitBackbone lit: LitWeights.Load(lit, path); break;
            case Module module: LeMeViTWeights.Load(module, path); break;
            default: throw new ArgumentException($"{backbone.GetType().Name} is not a backbone of this catalog");
        }
    }

    /// <summary>What a state dict's backbone keys say it is (a variant name, or a description); null when it has none under <paramref name="prefix"/>.</summary>
    public static string? DescribeShapes(IReadOnlyDictionary<string, TensorData> state, string prefix = "") =>
        LeMeViTConfig.DescribeShapes(state, prefix) ?? LitDescribe(state, prefix);

    private static string? LitDescribe(IReadOnlyDictionary<string, TensorData> state, string prefix)
    {
        int Width(string key) => state.TryGetValue(prefix + key, out var t) && t.Shape.Length >= 1 ? (int)t.Shape[0] : 0;
        var ti = Width("patch_embed1.proj.weight");
        var hierarchical = Width("patch_embed.proj.weight");
        if (ti == 0 && hierarchical == 0) return null;
        var layout = ti > 0 ? LitLayout.Tiny : LitLayout.Hierarchical;
        int Depth(int stage)
        {
            var depth = 0;
            var stem = layout == LitLayout.Tiny ? $"block{stage + 1}." : $"layers.{stage}.blocks.";
            while (state.ContainsKey($"{prefix}{stem}{depth}.norm2.weight")) depth++;
            return depth;
        }
        var depths = Enumerable.Range(0, LitConfig.StageCount).Select(Depth).ToArray();
        var width = ti > 0 ? ti : hierarchical;
        return LitConfig.Variants.FirstOrDefault(v => v.Layout == layout && v.Dims[0] == width && v.Depths.SequenceEqual(depths))?.Name
               ?? $"a LIT of width {width} and depths [{string.Join(", ", depths)}]";
    }
}
