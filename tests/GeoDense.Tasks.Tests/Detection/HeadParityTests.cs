using GeoDense.Heads.Fpn;
using GeoDense.Heads.OrientedRcnn;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// Everything above the backbone against OBBDetection's own modules: tests/fixtures/oriented-rcnn/heads-*.safetensors
/// were written by tools/reference/make_orcnn_fixture.py, which runs the reference FPN, OrientedRPNHead (anchors,
/// midpoint-offset decoding, proposals) and OBBStandardRoIHead (rotated RoI extraction, Shared2FC head, test-time
/// multiclass NMS) on random backbone features with seeded random weights. Our modules load that state dict under
/// the reference key names and must give the same maps, proposals and detections.
/// </summary>
public class HeadParityTests
{
    static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "TestData", "oriented-rcnn");
    static readonly Dictionary<string, Tensor> State = Fixture.Tensors(Safetensors.Read(Path.Combine(Dir, "heads-state.safetensors")).Tensors);
    static readonly Dictionary<string, Tensor> Io = Fixture.Tensors(Safetensors.Read(Path.Combine(Dir, "heads-io.safetensors")).Tensors);

    // CONFIG of make_orcnn_fixture.py: FPN in [8, 16, 24, 32] -> 16, FC 32, 3 classes, image 128 x 160, batch 2
    const int Height = 128, Width = 160, Batch = 2;
    static readonly OrientedRcnnConfig Config = new()
    {
        NumClasses = 3,
        FpnChannels = 16,
        FcChannels = 32,
        TestProposals = new ProposalSettings(NmsPre: 500, NmsIou: 0.8, MaxNum: 150),
        Test = new RcnnTestSettings(ScoreThreshold: 0.05, NmsIou: 0.1, MaxPerImage: 100),
    };

    sealed class Heads : IDisposable
    {
        public Fpn Neck { get; } = new(new FpnConfig([8, 16, 24, 32], 16));
        public OrientedRpnHead Rpn { get; } = new(Config);
        public ObbRoiHead Roi { get; } = new(Config);

        public Heads()
        {
            // strict: every reference key is used and every parameter of ours is set
            Neck.LoadStateDict(Fixture.WithPrefix(State, "neck."));
            Rpn.LoadStateDict(Fixture.WithPrefix(State, "rpn_head."));
            Roi.LoadStateDict(Fixture.WithPrefix(State, "roi_head."));
            foreach (var m in new Torch.NN.Module[] { Neck, Rpn, Roi }) m.Eval();
        }

        public void Dispose() { Neck.Dispose(); Rpn.Dispose(); Roi.Dispose(); }
    }

    static IReadOnlyList<Tensor> Features => Enumerable.Range(0, 4).Select(i => Io[$"features.{i}"]).ToList();

    [Fact]
    public void Fpn_and_rpn_outputs_equal_the_reference_on_every_level()
    {
        using var heads = new Heads();
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var maps = heads.Neck.Forward(Features);
        Assert.Equal(5, maps.Count);
        for (int level = 0; level < 5; level++) Fixture.AssertClose(Io[$"neck.{level}"], maps[level], 1e-4);
        using var rpn = heads.Rpn.Forward(maps);
        for (int level = 0; level < 5; level++)
        {
            Fixture.AssertClose(Io[$"rpn_cls.{level}"], rpn.Objectness[level], 1e-4);
            Fixture.AssertClose(Io[$"rpn_reg.{level}"], rpn.Deltas[level], 1e-4);
        }
    }

    [Fact]
    public void Proposals_box_head_and_detections_equal_the_reference()
    {
        using var heads = new Heads();
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        // from the reference's own P2..P6, so each stage is checked on the same input as the reference's
        var maps = Enumerable.Range(0, 5).Select(i => Io[$"neck.{i}"]).ToList();
        using var rpn = new RpnOutputs(Enumerable.Range(0, 5).Select(i => Io[$"rpn_cls.{i}"].Clone()).ToList(),
                                       Enumerable.Range(0, 5).Select(i => Io[$"rpn_reg.{i}"].Clone()).ToList());
        var proposals = heads.Rpn.Proposals(rpn, Height, Width, Config.TestProposals);
        Assert.Equal(Batch, proposals.Count);
        for (int b = 0; b < Batch; b++) Fixture.AssertClose(Io[$"proposals.{b}"], proposals[b], 1e-4);

        // the box head on image 0's (reference) proposals: rotated RoI features, class logits, deltas
        var rois = Tensor.Cat([Tensor.Zeros([Io["proposals.0"].Size(0), 1]), Io["proposals.0"].Narrow(1, 0, 5)], 1);
        var features = new RotatedRoiExtractor(Config.RoiExtractor, Config.RoiStrides).Extract(maps.Select(m => m.Narrow(0, 0, 1)).ToList(), rois);
        Fixture.AssertClose(Io["roi_feats.0"], features, 1e-4);
        var (logits, deltas) = heads.Roi.BboxHead.Forward(features);
        Fixture.AssertClose(Io["cls_score.0"], logits, 1e-4);
        Fixture.AssertClose(Io["bbox_pred.0"], deltas, 1e-4);

        // final detections per image, from the reference proposals (the reference runs its RoI head image by image)
        for (int b = 0; b < Batch; b++)
        {
            var ours = heads.Roi.Detect(maps.Select(m => m.Narrow(0, b, 1)).ToList(), [Io[$"proposals.{b}"]], Config.Test)[0];
            var expected = Io[$"det_bboxes.{b}"];
            AssertSameDetections(
                Rows(expected.Narrow(1, 0, 5), expected.Select(1, 5), Io[$"det_labels.{b}"]),
                Rows(ours.Boxes, ours.Scores, ours.Labels), $"image {b}");
        }
    }

    /// <summary>
    /// Detections as (score, label, box) rows in a canonical order. RoIs that fall outside every feature map get
    /// all-zero features and so exactly equal scores; among equal scores the order is the sort's, not the model's.
    /// </summary>
    static List<(float Score, long Label, float[] Box)> Rows(Tensor boxes, Tensor scores, Tensor labels)
    {
        var b = boxes.Contiguous().ToArray<float>();
        var s = scores.Contiguous().ToArray<float>();
        var l = labels.Contiguous().ToArray<long>();
        return Enumerable.Range(0, s.Length).Select(i => (s[i], l[i], b[(5 * i)..(5 * i + 5)]))
            .OrderByDescending(r => r.Item1).ThenBy(r => r.Item2).ThenBy(r => r.Item3[0]).ThenBy(r => r.Item3[1]).ToList();
    }

    static void AssertSameDetections(List<(float Score, long Label, float[] Box)> expected, List<(float Score, long Label, float[] Box)> actual,
        string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} detections, the reference has {expected.Count}");
        double scale = expected.Max(r => r.Box.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.True(e.Label == a.Label && Math.Abs(e.Score - a.Score) <= 1e-4 * Math.Abs(e.Score) &&
                        e.Box.Zip(a.Box).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * scale),
                $"{what}, detection {i}: reference {e.Label} {e.Score} [{string.Join(", ", e.Box)}], ours {a.Label} {a.Score} [{string.Join(", ", a.Box)}]");
        }
    }
}
