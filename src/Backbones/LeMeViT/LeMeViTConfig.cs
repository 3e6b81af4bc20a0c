using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeoDense.Backbones;

/// <summary>
/// Hyper-parameters of a LeMeViT (see docs/lemevit.md). Five stages with the attention pattern of the
/// paper: Cross-Attention, two Dual Cross-Attention stages, two standard self-attention stages.
/// Stage 0 and 1 share the stride-4 resolution, so <c>Dims[0]</c> must equal <c>Dims[1]</c>.
/// </summary>
public sealed record LeMeViTConfig
{
    public const int StageCount = 5;

    /// <summary>The `--arch` name, e.g. "lemevit-small".</summary>
    public string Name { get; init; } = "lemevit-custom";
    public required int[] Depths { get; init; }
    public required int[] Dims { get; init; }
    public int HeadDim { get; init; } = 32;
    public int MetaTokens { get; init; } = 16;
    public double MlpRatio { get; init; } = 4;
    /// <summary>Biases on the q/k/v projections. The reference always has them (its flag is ignored).</summary>
    public bool QkvBias { get; init; } = true;
    /// <summary>Kernel of the depthwise conditional position encoding; the reference pads by 1, so only 3 keeps the size.</summary>
    public int CpeKernel { get; init; } = 3;
    public int InChannels { get; init; } = 3;
    /// <summary>Classes of the classification head (ignored by the dense backbone).</summary>
    public int NumClasses { get; init; } = 1000;
    /// <summary>Stochastic depth: block b of B gets rate DropPathRate·b/(B-1), as torch.linspace.</summary>
    public double DropPathRate { get; init; }
    /// <summary>
    /// Dense backbone only: zero-pad the input to a multiple of 32 and crop the features back. Off by
    /// default because the reference runs any size natively and padding changes the values.
    /// </summary>
    public bool PadToMultipleOf32 { get; init; }

    public static LeMeViTConfig Nano { get; } = new() { Name = "lemevit-nano", Depths = [1, 1, 1, 1, 1], Dims = [32, 32, 64, 96, 128] };
    public static LeMeViTConfig Tiny { get; } = new() { Name = "lemevit-tiny", Depths = [1, 2, 2, 8, 2], Dims = [64, 64, 128, 192, 320] };
    public static LeMeViTConfig Small { get; } = new() { Name = "lemevit-small", Depths = [1, 2, 2, 6, 2], Dims = [96, 96, 192, 320, 384] };
    public static LeMeViTConfig Base { get; } = new() { Name = "lemevit-base", Depths = [2, 4, 4, 18, 4], Dims = [96, 96, 192, 384, 512] };

    public static IReadOnlyList<LeMeViTConfig> Variants { get; } = [Nano, Tiny, Small, Base];
    public static IEnumerable<string> ArchNames => Variants.Select(v => v.Name);

    /// <summary>The named variant ("lemevit-tiny", ...); null when the name is not one.</summary>
    public static LeMeViTConfig? TryFromArch(string arch) =>
        Variants.FirstOrDefault(v => string.Equals(v.Name, arch.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// What a state dict's shapes say it holds: the named variant with those stage widths and depths, else
    /// "a LeMeViT of widths [...]"; null when it has no LeMeViT stages under <paramref name="prefix"/> ("backbone.").
    /// </summary>
    public static string? DescribeShapes(IReadOnlyDictionary<string, Torch.Checkpoints.TensorData> state, string prefix = "")
    {
        var dims = new List<int>();
        var depths = new List<int>();
        for (int stage = 0; state.TryGetValue($"{prefix}stages.{stage}.0.norm1.weight", out var norm) && norm.Shape.Length == 1; stage++)
        {
            dims.Add((int)norm.Shape[0]);
            int depth = 0;
            while (state.ContainsKey($"{prefix}stages.{stage}.{depth}.norm1.weight")) depth++;
            depths.Add(depth);
        }
        if (dims.Count == 0) return null;
        return Variants.FirstOrDefault(v => v.Dims.SequenceEqual(dims) && v.Depths.SequenceEqual(depths))?.Name
               ?? $"a LeMeViT of widths [{string.Join(", ", dims)}] and depths [{string.Join(", ", depths)}]";
    }

    public int TotalBlocks => Depths.Sum();
    public int HeadsOf(int stage) => Dims[stage] / HeadDim;
    /// <summary>Output stride of stage i: the stem gives 4, stage 1 keeps it, stages 2..4 halve.</summary>
    public static int StrideOf(int stage) => stage <= 1 ? 4 : 4 << (stage - 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public LeMeViTConfig Validate()
    {
        if (Depths is null || Depths.Length != StageCount || Depths.Any(d => d < 1))
            throw new ArgumentException($"{Name}: depths must be {StageCount} positive numbers");
        if (Dims is null || Dims.Length != StageCount || Dims.Any(d => d < 1))
            throw new ArgumentException($"{Name}: dims must be {StageCount} positive numbers");
        if (Dims[0] != Dims[1])
            throw new ArgumentException($"{Name}: dims[0] and dims[1] must be equal (no downsampling after the cross-attention stage), got {Dims[0]} and {Dims[1]}");
        if (Dims[0] % 2 != 0) throw new ArgumentException($"{Name}: dims[0] must be even (the stem's first conv has dims[0]/2 channels)");
        if (HeadDim < 1 || Dims.Any(d => d % HeadDim != 0))
            throw new ArgumentException($"{Name}: every dim must be a multiple of head_dim {HeadDim}");
        if (MetaTokens < 2) throw new ArgumentException($"{Name}: need at least 2 meta tokens (dual cross-attention scales by log(M))");
        if (MlpRatio <= 0 || CpeKernel < 1 || InChannels < 1)
            throw new ArgumentException($"{Name}: mlp ratio, cpe kernel and input channels must be positive");
        if (DropPathRate is < 0 or >= 1) throw new ArgumentException($"{Name}: drop_path_rate must be in [0, 1)");
        return this;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>JSON with a "model" discriminator, stored in a weights file's metadata.</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        node.Insert(0, "model", "lemevit");
        return node.ToJsonString();
    }

    public static LeMeViTConfig FromJson(string json)
    {
        var config = JsonSerializer.Deserialize<LeMeViTConfig>(json, Json)
            ?? throw new ArgumentException("empty LeMeViT config JSON");
        return config.Validate();
    }
}
