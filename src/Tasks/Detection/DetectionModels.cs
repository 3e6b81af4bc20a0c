using GeoDense.Backbones;
using GeoDense.Heads.OrientedRcnn;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Detection;

/// <summary>A detection pipeline or its data that cannot be used as given (one line; exit 2).</summary>
public sealed class DetectionInputException(string message) : InputException(message);

/// <summary>Builds the Oriented R-CNN a pipeline describes (typed configs, no registry).</summary>
public sealed class DetectionModels : IModelFactory<DetectionModel, DetectionPipeline>
{
    public static DetectionModels Factory { get; } = new();

    DetectionModel IModelFactory<DetectionModel, DetectionPipeline>.Create(DetectionPipeline pipeline) => Create(pipeline);

    /// <summary>"lemevit-small + oriented-rcnn(fpn 256, fc 1024)", classes, bands and normalisation.</summary>
    public ModelSignature Signature(DetectionPipeline pipeline)
    {
        var m = pipeline.Model;
        return new ModelSignature($"{m.Backbone} + {m.Head}(fpn {m.FpnChannels}, fc {m.FcChannels})", m.Classes, pipeline.Input.Bands,
            pipeline.Input.Mean, pipeline.Input.Std);
    }

    /// <summary>The same description read from a state dict's shapes (reference checkpoints carry no pipeline).</summary>
    public string? ArchitectureOf(IReadOnlyDictionary<string, TensorData> state)
    {
        if (!state.TryGetValue("roi_head.bbox_head.shared_fcs.1.weight", out var fc) || fc.Shape.Length != 2) return null;
        if (!state.TryGetValue("neck.fpn_convs.0.conv.weight", out var fpn) || fpn.Shape.Length != 4) return null;
        var backbone = BackboneCatalog.DescribeShapes(state, "backbone.") ?? "an unknown backbone";
        return $"{backbone} + oriented-rcnn(fpn {fpn.Shape[0]}, fc {fc.Shape[0]})";
    }

    /// <summary>Pipeline + weights -> model on its device in eval mode (see <see cref="InferenceSession{TModel}"/>).</summary>
    public static InferenceSession<DetectionModel> Load(DetectionPipeline pipeline, string pipelineSource, string weights, Device device) =>
        InferenceSession<DetectionModel>.Load(pipeline, pipelineSource, weights, device, Factory);

    /// <summary>The detect pipeline's model seam (<see cref="DetectorLoader"/>) for Oriented R-CNN.</summary>
    public static LoadedDetector LoadDetector(DetectionPipeline pipeline, string pipelinePath, string weights, Device device)
    {
        var session = Load(pipeline, pipelinePath, weights, device);
        return new LoadedDetector(DetectionEvaluator.WindowDetector(session.Model), session.Device, session.Warnings, session);
    }

    /// <summary>The head settings of a pipeline: the reference numbers, with what the pipeline tunes.</summary>
    public static OrientedRcnnConfig HeadConfig(DetectionModelSection m)
    {
        var rpn = new ProposalSettings(m.Rpn.PreNmsTop, m.Rpn.NmsIou, m.Rpn.MaxProposals);
        return new OrientedRcnnConfig
        {
            NumClasses = m.Classes.Count,
            FpnChannels = m.FpnChannels,
            FcChannels = m.FcChannels,
            TrainProposals = rpn,
            TestProposals = rpn,
            Test = new RcnnTestSettings(m.Rcnn.ScoreThreshold, m.Rcnn.NmsIou, m.Rcnn.MaxPerImage),
        };
    }

    public static DetectionModel Create(DetectionPipeline pipeline)
    {
        var m = pipeline.Model;
        if (m.Head != "oriented-rcnn") throw new DetectionInputException($"model.head '{m.Head}' is not a detection head; use oriented-rcnn");
        int bands = pipeline.Input.Bands.Count;
        // LeMeViT as the reference's detection wrapper builds it (with `extra_norms`); any other catalog backbone as it is
        if (LeMeViTConfig.TryFromArch(m.Backbone) is { } lemevit)
            return new DetectionModel(new LeMeViTBackbone(lemevit.InChannels == bands ? lemevit : lemevit with { InChannels = bands }, extraNorms: true), HeadConfig(m));
        var backbone = BackboneCatalog.TryCreateDense(m.Backbone, bands)
            ?? throw new DetectionInputException($"model.backbone '{m.Backbone}' is unknown; use one of {string.Join(", ", BackboneCatalog.ArchNames)}");
        try { return new DetectionModel(backbone, HeadConfig(m)); }
        catch { ((IDisposable)backbone).Dispose(); throw; }
    }

    /// <summary>Loads backbone weights (a classification checkpoint, or the `backbone.*` of a detector or segmentor).</summary>
    public static void LoadBackbone(DetectionModel model, string path) => BackboneCatalog.LoadDense((IDenseBackbone)model.Backbone, path);
}
