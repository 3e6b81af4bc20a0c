using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeoDense.Backbones;

/// <summary>How a LIT variant is laid out; the reference has two code bases with different module trees and keys.</summary>
public enum LitLayout
{
    /// <summary>LIT-Ti (code_for_lit_ti, PVT-style): patch_embed1..4, learned absolute pos_embed1..4, block1..4,
    /// plain multi-head self-attention in stages 3-4, a class token for classification.</summary>
    Tiny,
    /// <summary>LIT-S/M/B (code_for_lit_s_m_b, Swin-style): patch_embed, layers.i.blocks/downsample, widths doubling
    /// per stage, self-attention with a relative position bias table in stages 3-4, mean pooling for classification.</summary>
    Hierarchical,
}

/// <summary>
/// Hyper-parameters of a LIT ("Less is More: Pay Less Attention in Vision Transformers", Pan et al., AAAI 2022;
/// see docs/lit.md). Four stages: MLP-only blocks in stages 1-2, self-attention blocks in stages 3-4, a stride-4
/// patch embedding and Deformable Token Merging (deformable 2x2 conv + BN + GELU) between stages.
/// </summary>
public sealed record LitConfig
{
    public const int StageCount = 4;

    /// <summary>The `--arch` name, e.g. "lit-s".</summary>
    public string Name { get; init; } = "lit-custom";
    public required LitLayout Layout { get; init; }
    public required int[] Dims { get; init; }
    public required int[] Depths { get; init; }
    public required int[] Heads { get; init; }
    public required double[] MlpRatios { get; init; }
    public int InChannels { get; init; } = 3;
    /// <summary>Classes of the classification head (ignored by the dense backbone).</summary>
    public int NumClasses { get; init; } = 1000;
    /// <summary>The image size the position encodings were trained at (224 for the released ImageNet weights). LIT-Ti
    /// stores absolute position embeddings for this size; LIT-S/M/B classifiers store their bias tables for it.</summary>
    public int ImageSize { get; init; } = 224;
    /// <summary>LIT-S/M/B dense backbone only: the image size its relative-position-bias tables are stored for. The
    /// reference detection backbone fixes 800 and resizes ImageNet tables to it (bicubic) when it loads them.</summary>
    public int DenseTableImageSize { get; init; } = 800;
    /// <summary>Stochastic depth: block b of B gets rate DropPathRate·b/(B-1), as torch.linspace.</summary>
    public double DropPathRate { get; init; }

    public static LitConfig Ti { get; } = new()
    {
        Name = "lit-ti", Layout = LitLayout.Tiny, Dims = [64, 128, 320, 512], Depths = [3, 4, 6, 3], Heads = [1, 2, 5, 8], MlpRatios = [8, 8, 4, 4],
    };
    public static LitConfig S { get; } = Hierarchical("lit-s", 96, [2, 2, 6, 2], [3, 6, 12, 24]);
    public static LitConfig M { get; } = Hierarchical("lit-m", 96, [2, 2, 18, 2], [3, 6, 12, 24]);
    public static LitConfig B { get; } = Hierarchical("lit-b", 128, [2, 2, 18, 2], [4, 8, 16, 32]);

    /// <summary>Test-sized variants with the same code paths (one block per stage, narrow widths, small tables).</summary>
    public static LitConfig TiNano { get; } = new()
    {
        Name = "lit-ti-nano", Layout = LitLayout.Tiny, Dims = [16, 32, 64, 96], Depths = [1, 1, 1, 1], Heads = [1, 2, 2, 4], MlpRatios = [2, 2, 2, 2],
        ImageSize = 64,
    };
    public static LitConfig Nano { get; } = Hierarchical("lit-nano", 16, [1, 1, 1, 1], [1, 2, 2, 4]) with { ImageSize = 64 };

    private static LitConfig Hierarchical(string name, int embedDim, int[] depths, int[] heads) => new()
    {
        Name = name, Layout = LitLayout.Hierarchical, Dims = [embedDim, 2 * embedDim, 4 * embedDim, 8 * embedDim], Depths = depths,
        Heads = heads, MlpRatios = [4, 4, 4, 4],
    };

    public static IReadOnlyList<LitConfig> Variants { get; } = [Ti, S, M, B, TiNano, Nano];
    public static IEnumerable<string> ArchNames => Variants.Select(v => v.Name);

    /// <summary>The named variant ("lit-s", ...); null when the name is not one.</summary>
    public static LitConfig? TryFromArch(string arch) =>
        Variants.FirstOrDefault(v => string.Equals(v.Name, arch.Trim(), StringComparison.OrdinalIgnoreCase));

    public int TotalBlocks => Depths.Sum();
    /// <summary>Output stride of stage i: 4, 8, 16, 32.</summary>
    public static int StrideOf(int stage) => 4 << stage;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public LitConfig Validate()
    {
        bool Four<T>(T[]? values) => values is { Length: StageCount };
        if (!Four(Dims) || !Four(Depths) || !Four(Heads) || !Four(MlpRatios))
            throw new ArgumentException($"{Name}: dims, depths, heads and mlp ratios must have {StageCount} entries each");
        if (Dims.Any(d => d < 1) || Depths.Any(d => d < 1) || Heads.Any(h => h < 1) || MlpRatios.Any(r => r <= 0))
            throw new ArgumentException($"{Name}: dims, depths, heads and mlp ratios must be positive");
        for (var i = 0; i < StageCount; i++)
            if (Dims[i] % Heads[i] != 0) throw new ArgumentException($"{Name}: dims[{i}] = {Dims[i]} is not a multiple of heads[{i}] = {Heads[i]}");
        if (Layout == LitLayout.Hierarchical && Dims.Select((d, i) => d != Dims[0] << i).Any(b => b))
            throw new ArgumentException($"{Name}: LIT-S/M/B widths double per stage (embed_dim · 2^i)");
        if (ImageSize < 32 || ImageSize % 32 != 0 || DenseTableImageSize < 32 || DenseTableImageSize % 32 != 0)
            throw new ArgumentException($"{Name}: image sizes must be positive multiples of 32");
        if (InChannels < 1) throw new ArgumentException($"{Name}: input channels must be positive");
        if (DropPathRate is < 0 or >= 1) throw new ArgumentException($"{Name}: drop_path_rate must be in [0, 1)");
        return this;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>JSON with a "model" discriminator, stored in a weights file's metadata.</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        node.Insert(0, "model", "lit");
        return node.ToJsonString();
    }

    public static LitConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<LitConfig>(json, Json) ?? throw new ArgumentException("empty LIT config JSON")).Validate();
}
