using GeoDense.Backbones;
using GeoDense.Heads.BIT;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// Builds the change model a pipeline describes: a siamese dense LeMeViT (any variant) under BIT
/// (<see cref="BitChangeDetector"/>). To run one: <see cref="Load"/> (pipeline + weights -> model in eval mode on its
/// device), then <see cref="BitChangeDetector.Forward"/> on (before, after) batches [B, bands, H, W] normalised with
/// <see cref="Normalize"/> -> logits [B, 2, H, W] (H, W multiples of 16).
/// </summary>
public sealed class ChangeModels : IModelFactory<BitChangeDetector, ChangePipeline>
{
    public static ChangeModels Factory { get; } = new();

    BitChangeDetector IModelFactory<BitChangeDetector, ChangePipeline>.Create(ChangePipeline pipeline) => Create(pipeline);

    /// <summary>"lemevit-nano + bit(32, 4 tokens, enc 1, dec 8)", classes, bands and normalisation.</summary>
    public ModelSignature Signature(ChangePipeline pipeline)
    {
        var m = pipeline.Model;
        return new ModelSignature($"{m.Backbone} + {Describe(m.Channels, m.TokenLen, m.EncDepth, m.DecDepth)}", m.Classes,
            pipeline.Input.Bands, pipeline.Input.Mean, pipeline.Input.Std);
    }

    static string Describe(long channels, long tokens, int enc, int dec) => $"bit({channels}, {tokens} tokens, enc {enc}, dec {dec})";

    /// <summary>The architecture a state dict's shapes describe (reference checkpoints carry no pipeline).</summary>
    public string? ArchitectureOf(IReadOnlyDictionary<string, TensorData> state)
    {
        if (!state.TryGetValue("conv_a.weight", out var convA) || convA.Shape.Length != 4) return null;
        var backbone = BackboneCatalog.DescribeShapes(state, "backbone.") ?? "an unknown backbone";
        int Depth(string prefix)
        {
            int d = 0;
            while (state.ContainsKey($"{prefix}.layers.{d}.0.fn.norm.weight")) d++;
            return d;
        }
        return $"{backbone} + {Describe(convA.Shape[1], convA.Shape[0], Depth("transformer"), Depth("transformer_decoder"))}";
    }

    /// <summary>Pipeline + weights (ours or a reference state dict, `module.` prefixes allowed) -> model in eval mode on its device.</summary>
    public static InferenceSession<BitChangeDetector> Load(ChangePipeline pipeline, string pipelineSource, string weights, Device device) =>
        InferenceSession<BitChangeDetector>.Load(pipeline, pipelineSource, weights, device, Factory);

    public static BitChangeDetector Create(ChangePipeline pipeline)
    {
        var m = pipeline.Model;
        if (m.Head != "bit") throw new ChangeInputException($"model.head '{m.Head}' is not a change-detection head; use bit");
        // any dense backbone of the catalog (LeMeViT as the reference, or LIT): BIT reads its stride-16 feature
        var backbone = BackboneCatalog.TryCreateDense(m.Backbone, pipeline.Input.Bands.Count)
            ?? throw new ChangeInputException($"model.backbone '{m.Backbone}' is unknown; use one of {string.Join(", ", BackboneCatalog.ArchNames)}");
        var bit = new BitConfig
        {
            Channels = m.Channels, TokenLen = m.TokenLen, EncDepth = m.EncDepth, DecDepth = m.DecDepth,
            Heads = m.Heads, DimHead = m.DimHead, MlpDim = m.MlpDim, NumClasses = m.Classes.Count,
        };
        try { return new BitChangeDetector(backbone, bit); }
        catch { ((IDisposable)backbone).Dispose(); throw; }
    }

    /// <summary>(x - mean) / std per band, the pipeline's input normalisation (mean 0 / std 1 by default: the reference feeds raw pixels).</summary>
    public static Tensor Normalize(Tensor batch, ChangePipeline pipeline)
    {
        var input = pipeline.Input;
        if (input.Mean.All(v => v == 0) && input.Std.All(v => v == 1)) return batch.Alias();
        using var scope = TorchRuntime.NewScope();
        long bands = input.Mean.Count;
        var mean = Tensor.FromArray(input.Mean.ToArray(), 1, bands, 1, 1).To(batch.Device);
        var std = Tensor.FromArray(input.Std.ToArray(), 1, bands, 1, 1).To(batch.Device);
        return batch.Sub(mean).Div(std).MoveToOuter();
    }
}
