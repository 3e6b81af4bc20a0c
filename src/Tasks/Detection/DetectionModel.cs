using GeoDense.Heads.Fpn;
using GeoDense.Heads.OrientedRcnn;
using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Detection;

/// <summary>Losses of one training step (mmdet's names), the first four summed into the optimised total.</summary>
public sealed record DetectionLosses(Tensor RpnCls, Tensor RpnBbox, Tensor Cls, Tensor Bbox, double Accuracy) : IDisposable
{
    public Tensor Total() => RpnCls.Add(RpnBbox).Add(Cls).Add(Bbox);
    public void Dispose() { RpnCls.Dispose(); RpnBbox.Dispose(); Cls.Dispose(); Bbox.Dispose(); }
}

/// <summary>
/// OBBDetection's OrientedRCNN: a dense backbone under `backbone.` (LeMeViT with `extra_norms`), the FPN under
/// `neck.`, the Oriented RPN under `rpn_head.` and the RoI head under `roi_head.` (`roi_head.bbox_head.*`), so a
/// checkpoint trained with the reference code (mmcv's `{"state_dict": ...}`) loads strictly.
/// </summary>
public sealed class DetectionModel : Module
{
    readonly IDenseBackbone features;

    public OrientedRcnnConfig Config { get; }
    public Module Backbone { get; }
    public Fpn Neck { get; }
    public OrientedRpnHead RpnHead { get; }
    public ObbRoiHead RoiHead { get; }

    /// <param name="backbone">a <see cref="Module"/>, registered as `backbone`</param>
    public DetectionModel(IDenseBackbone backbone, OrientedRcnnConfig config)
    {
        features = backbone;
        Config = config;
        Backbone = RegisterModule("backbone", backbone as Module
            ?? throw new ArgumentException($"{backbone.GetType().Name} is not a Module, so its weights cannot be registered", nameof(backbone)));
        Neck = RegisterModule("neck", new Fpn(new FpnConfig(backbone.FeatureChannels, config.FpnChannels, config.FpnOutputs)));
        RpnHead = RegisterModule("rpn_head", new OrientedRpnHead(config));
        RoiHead = RegisterModule("roi_head", new ObbRoiHead(config));
    }

    /// <summary>
    /// The reference keeps every BatchNorm and LayerNorm of the backbone in eval mode while training (its train()
    /// override); call after Train().
    /// </summary>
    public void FreezeBackboneNorms()
    {
        foreach (var module in Backbone.Modules())
            if (module is BatchNorm2d or LayerNorm) module.Eval();
    }

    /// <summary>FPN maps (P2..P6) of a normalised image batch [B, C, H, W].</summary>
    public IReadOnlyList<Tensor> Pyramid(Tensor images)
    {
        using var scope = TorchRuntime.NewScope();
        var maps = Neck.Forward(features.Forward(images));
        foreach (var m in maps) m.MoveToOuter();
        return maps;
    }

    /// <summary>The training losses of a batch with its ground truth (boxes in input pixels).</summary>
    public DetectionLosses Losses(Tensor images, IReadOnlyList<ObbTargets> targets)
    {
        using var scope = TorchRuntime.NewScope();
        long h = images.Size(2), w = images.Size(3);
        var maps = Pyramid(images);
        using var rpn = RpnHead.Forward(maps);
        var (rpnCls, rpnBbox) = RpnHead.Loss(rpn, targets, h, w);
        var proposals = RpnHead.Proposals(rpn, h, w, Config.TrainProposals);
        var (cls, bbox, accuracy) = RoiHead.Loss(maps, proposals, targets);
        return new DetectionLosses(rpnCls.MoveToOuter(), rpnBbox.MoveToOuter(), cls.MoveToOuter(), bbox.MoveToOuter(), accuracy);
    }

    /// <summary>Detections per image of a normalised batch, boxes in input pixels.</summary>
    public IReadOnlyList<ObbDetections> Detect(Tensor images)
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        long h = images.Size(2), w = images.Size(3);
        var maps = Pyramid(images);
        using var rpn = RpnHead.Forward(maps);
        var proposals = RpnHead.Proposals(rpn, h, w, Config.TestProposals);
        var detections = RoiHead.Detect(maps, proposals, Config.Test);
        foreach (var d in detections) { d.Boxes.MoveToOuter(); d.Scores.MoveToOuter(); d.Labels.MoveToOuter(); }
        return detections;
    }
}
