using GeoDense.Backbones;
using GeoDense.Heads.UperNet;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Segmentation;

/// <summary>Builds the segmentation model a pipeline describes (typed configs, no registry).</summary>
public sealed class SegmentationModels : IModelFactory<SegmentationModel, SegmentationPipeline>
{
    public static SegmentationModels Factory { get; } = new();

    SegmentationModel IModelFactory<SegmentationModel, SegmentationPipeline>.Create(SegmentationPipeline pipeline) => Create(pipeline);

    /// <summary>"lemevit-nano + upernet(64, aux 32)", classes, bands and normalisation: what weights are compared by.</summary>
    public ModelSignature Signature(SegmentationPipeline pipeline)
    {
        var m = pipeline.Model;
        var head = m.AuxChannels > 0 ? $"{m.Head}({m.Channels}, aux {m.AuxChannels})" : $"{m.Head}({m.Channels})";
        return new ModelSignature($"{m.Backbone} + {head}", m.Classes, pipeline.Input.Bands, pipeline.Input.Mean, pipeline.Input.Std);
    }

    /// <summary>
    /// "lemevit-nano + upernet(64, aux 32)" from a state dict's shapes: stage widths and depths name the backbone
    /// (<see cref="BackboneCatalog.DescribeShapes"/>), the classifier convolutions' input channels the head widths.
    /// </summary>
    public string? ArchitectureOf(IReadOnlyDictionary<string, TensorData> state)
    {
        if (!state.TryGetValue("decode_head.conv_seg.weight", out var decode) || decode.Shape.Length < 2) return null;
        var backbone = BackboneCatalog.DescribeShapes(state, "backbone.") ?? "an unknown backbone";
        var head = state.TryGetValue("auxiliary_head.conv_seg.weight", out var aux) && aux.Shape.Length >= 2
            ? $"upernet({decode.Shape[1]}, aux {aux.Shape[1]})" : $"upernet({decode.Shape[1]})";
        return $"{backbone} + {head}";
    }

    /// <summary>Pipeline + weights -> model on its device in eval mode (see <see cref="InferenceSession{TModel}"/>).</summary>
    public static InferenceSession<SegmentationModel> Load(SegmentationPipeline pipeline, string pipelineSource, string weights, Device device) =>
        InferenceSession<SegmentationModel>.Load(pipeline, pipelineSource, weights, device, Factory);

    public static SegmentationModel Create(SegmentationPipeline pipeline)
    {
        var m = pipeline.Model;
        if (m.Head != "upernet") throw new SegmentationInputException($"model.head '{m.Head}' is not a segmentation head; use upernet");
        var backbone = BackboneCatalog.TryCreateDense(m.Backbone, pipeline.Input.Bands.Count)
            ?? throw new SegmentationInputException($"model.backbone '{m.Backbone}' is unknown; use one of {string.Join(", ", BackboneCatalog.ArchNames)}");
        var channels = backbone.FeatureChannels.ToArray();
        int classes = m.ScoredClassCount();
        var decode = new UperHeadConfig(channels, classes, m.Channels, Dropout: m.Dropout);
        // the auxiliary FCN head reads the stride-16 feature, as in the reference config
        var aux = m.AuxChannels > 0 ? new FcnHeadConfig(channels[2], classes, m.AuxChannels, InIndex: 2, Dropout: m.Dropout) : null;
        return new SegmentationModel(backbone, decode, aux);
    }

    /// <summary>Loads backbone weights (a classification checkpoint, or the `backbone.*` of a segmentor).</summary>
    public static void LoadBackbone(SegmentationModel model, string path) => BackboneCatalog.LoadDense((IDenseBackbone)model.Backbone, path);
}
