namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// How to find a model's state dict inside a checkpoint and normalise its keys. Steps, in this order:
/// 1. descend through <see cref="WrapperKeys"/> (first present key wins) until a dict of tensors is reached;
/// 2. strip each of <see cref="StripPrefixes"/> from keys that start with it (e.g. DataParallel's "module.");
/// 3. if <see cref="SelectPrefix"/> is set and some keys start with it, keep only those keys, without the prefix
///    (a segmentor checkpoint's "backbone."); when no key has it the dict is taken as already selected;
/// 4. drop keys starting with any of <see cref="DropPrefixes"/> (e.g. a classifier's "head.").
/// </summary>
public sealed record StateDictOptions
{
    /// <summary>Training-state wrappers: mmcv/mmseg and timm save "state_dict", DeiT-style trainers "model".</summary>
    public static readonly IReadOnlyList<string> RegularWrappers = ["state_dict", "model"];

    /// <summary>Prefer the exponential moving average weights where a checkpoint carries them.</summary>
    public static readonly IReadOnlyList<string> EmaFirstWrappers = ["state_dict_ema", "model_ema", "state_dict", "model"];

    public IReadOnlyList<string> WrapperKeys { get; init; } = RegularWrappers;
    public IReadOnlyList<string> StripPrefixes { get; init; } = ["module."];
    public string? SelectPrefix { get; init; }
    public IReadOnlyList<string> DropPrefixes { get; init; } = [];

    public static StateDictOptions Default { get; } = new();

    /// <summary>For a backbone: take "backbone.*" from a segmentor checkpoint, or a bare backbone state dict as is.</summary>
    public static StateDictOptions Backbone { get; } = new() { SelectPrefix = "backbone." };
}
