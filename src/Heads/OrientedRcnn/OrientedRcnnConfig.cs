namespace GeoDense.Heads.OrientedRcnn;

/// <summary>Proposal generation (rpn_proposal / test rpn): top nms_pre per level, horizontal NMS per level, best max_num overall.</summary>
public sealed record ProposalSettings(int NmsPre = 2000, double NmsIou = 0.8, int MaxNum = 2000);

/// <summary>R-CNN test settings: score threshold, per-class rotated NMS, detections kept per image.</summary>
public sealed record RcnnTestSettings(double ScoreThreshold = 0.05, double NmsIou = 0.1, int MaxPerImage = 2000);

/// <summary>RoI extraction (OBBSingleRoIExtractor): RoIAlignRotated out_size/sample_num, the (h, w) enlargement, level mapping.</summary>
public sealed record RoiExtractorSettings(int OutSize = 7, int SamplingRatio = 2, double ExtendHeight = 1.4, double ExtendWidth = 1.2,
    double FinestScale = 56, bool Aligned = true);

/// <summary>
/// Everything of Oriented R-CNN above the backbone, with the numbers of faster_rcnn_orpn_lemevit_*_rsp_fpn_1x_dota10.py
/// as defaults. Reduced models (the nano demo, tests) change widths and proposal counts, nothing else.
/// </summary>
public sealed record OrientedRcnnConfig
{
    public required int NumClasses { get; init; }
    public int FpnChannels { get; init; } = 256;
    public int FpnOutputs { get; init; } = 5;
    /// <summary>rpn_head feat_channels (256 in the reference, = the FPN width).</summary>
    public int? RpnChannels { get; init; }
    /// <summary>Shared2FC width (1024).</summary>
    public int FcChannels { get; init; } = 1024;
    public AnchorGenerator Anchors { get; init; } = AnchorGenerator.Reference;
    public MidpointOffsetCoder RpnCoder { get; init; } = MidpointOffsetCoder.Reference;
    public ObbDeltaCoder RcnnCoder { get; init; } = ObbDeltaCoder.Reference;
    public RoiExtractorSettings RoiExtractor { get; init; } = new();
    /// <summary>Strides of the FPN levels the RoI extractor reads (P2..P5).</summary>
    public IReadOnlyList<int> RoiStrides { get; init; } = [4, 8, 16, 32];

    public MaxIouAssigner RpnAssigner { get; init; } = MaxIouAssigner.Rpn;
    public RandomSampler RpnSampler { get; init; } = RandomSampler.Rpn;
    /// <summary>SmoothL1 beta of the RPN (1/9).</summary>
    public double RpnSmoothL1Beta { get; init; } = 1.0 / 9;
    public ProposalSettings TrainProposals { get; init; } = new();
    public MaxIouAssigner RcnnAssigner { get; init; } = MaxIouAssigner.Rcnn;
    public RandomSampler RcnnSampler { get; init; } = RandomSampler.Rcnn;
    public double RcnnSmoothL1Beta { get; init; } = 1.0;

    public ProposalSettings TestProposals { get; init; } = new();
    public RcnnTestSettings Test { get; init; } = new();

    public int EffectiveRpnChannels => RpnChannels ?? FpnChannels;
}
