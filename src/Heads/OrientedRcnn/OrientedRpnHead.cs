using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>Raw RPN outputs per FPN level: objectness logits [B, A, H, W] and midpoint-offset deltas [B, 6A, H, W].</summary>
public sealed record RpnOutputs(IReadOnlyList<Tensor> Objectness, IReadOnlyList<Tensor> Deltas) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in Objectness) t.Dispose();
        foreach (var t in Deltas) t.Dispose();
    }
}

/// <summary>Ground truth of one image: rotated boxes [G, 5] (obb, pixels of the network input) and class indices [G] int64.</summary>
public sealed record ObbTargets(Tensor Boxes, Tensor Labels) : IDisposable
{
    public void Dispose() { Boxes.Dispose(); Labels.Dispose(); }
}

/// <summary>
/// OBBDetection's OrientedRPNHead: a shared 3x3 conv + ReLU, then per anchor one sigmoid objectness (`rpn_cls`) and six
/// midpoint-offset deltas (`rpn_reg`). Training: anchors wholly inside the image are assigned by horizontal IoU against
/// the ground truth's enclosing boxes, 256 sampled, BCE + SmoothL1(1/9), both averaged over the sampled count.
/// Proposals: per level the top nms_pre by score, decoded, horizontal NMS on their enclosing boxes (per level), the
/// best max_num overall.
/// </summary>
public sealed class OrientedRpnHead : Module
{
    readonly OrientedRcnnConfig config;

    public Conv2d RpnConv { get; }
    public Conv2d RpnCls { get; }
    public Conv2d RpnReg { get; }

    public OrientedRpnHead(OrientedRcnnConfig config)
    {
        this.config = config;
        int a = config.Anchors.AnchorsPerLocation, feat = config.EffectiveRpnChannels;
        RpnConv = RegisterModule("rpn_conv", new Conv2d(config.FpnChannels, feat, 3, padding: 1));
        RpnCls = RegisterModule("rpn_cls", new Conv2d(feat, a, 1));
        RpnReg = RegisterModule("rpn_reg", new Conv2d(feat, a * 6, 1));
        using var noGrad = TorchRuntime.NoGrad();
        foreach (var conv in new[] { RpnConv, RpnCls, RpnReg })
        {
            Init.Normal_(conv.Weight, 0, 0.01);
            Init.Zeros_(conv.Bias!);
        }
    }

    public RpnOutputs Forward(IReadOnlyList<Tensor> features)
    {
        var objectness = new List<Tensor>();
        var deltas = new List<Tensor>();
        foreach (var level in features)
        {
            using var scope = TorchRuntime.NewScope();
            var x = RpnConv.Forward(level).Relu_();
            objectness.Add(RpnCls.Forward(x).MoveToOuter());
            deltas.Add(RpnReg.Forward(x).MoveToOuter());
        }
        return new RpnOutputs(objectness, deltas);
    }

    /// <summary>(loss_rpn_cls, loss_rpn_bbox) for a batch of images of <paramref name="imageHeight"/> x <paramref name="imageWidth"/>.</summary>
    public (Tensor Cls, Tensor Bbox) Loss(RpnOutputs outputs, IReadOnlyList<ObbTargets> targets, long imageHeight, long imageWidth)
    {
        using var scope = TorchRuntime.NewScope();
        var device = outputs.Objectness[0].Device;
        var (anchors, valid) = AllAnchors(outputs, imageHeight, imageWidth, device);
        var logits = FlattenLevels(outputs.Objectness, 1);
        var deltas = FlattenLevels(outputs.Deltas, 6);
        var inside = AnchorGenerator.InsideFlags(anchors, valid, imageHeight, imageWidth).Nonzero().Reshape(-1);
        var insideAnchors = anchors.Index(inside);
        long total = 0;
        var clsLosses = new List<Tensor>();
        var bboxLosses = new List<Tensor>();
        for (int b = 0; b < targets.Count; b++)
        {
            var gt = targets[b].Boxes.To(ScalarType.Float32);
            using var overlaps = ObbGeometry.HbbIou(ObbGeometry.ObbToHbb(gt), insideAnchors);
            using var assign = config.RpnAssigner.Assign(overlaps);
            using var sample = config.RpnSampler.Sample(assign, insideAnchors, ObbGeometry.ObbToHbb(gt));
            total += Math.Max(sample.PositiveCount, 1) + Math.Max(sample.NegativeCount, 1);
            var pos = inside.Index(sample.PositiveIndices);
            var neg = inside.Index(sample.NegativeIndices);
            long n = anchors.Size(0);
            var labels = Tensor.Zeros([n], ScalarType.Float32, device);
            var weights = Tensor.Zeros([n], ScalarType.Float32, device);
            labels.IndexPut_(pos, Tensor.Ones([pos.Numel], ScalarType.Float32, device));
            weights.IndexPut_(pos, Tensor.Ones([pos.Numel], ScalarType.Float32, device));
            weights.IndexPut_(neg, Tensor.Ones([neg.Numel], ScalarType.Float32, device));
            clsLosses.Add(Functional.BinaryCrossEntropyWithLogits(logits[b], labels, weights, reduction: Reduction.Sum));
            if (pos.Numel > 0)
            {
                var encoded = config.RpnCoder.Encode(anchors.Index(pos), gt.Index(sample.PositiveGtIndices));
                bboxLosses.Add(Functional.SmoothL1Loss(deltas[b].Index(pos), encoded, Reduction.Sum, config.RpnSmoothL1Beta));
            }
            else bboxLosses.Add(deltas[b].Sum().Mul(0));
        }
        var cls = Sum(clsLosses).Div(total);
        var bbox = Sum(bboxLosses).Div(total);
        return (cls.MoveToOuter(), bbox.MoveToOuter());
    }

    /// <summary>Proposals per image: [P, 6] = obb + score, best first (no gradient).</summary>
    public IReadOnlyList<Tensor> Proposals(RpnOutputs outputs, long imageHeight, long imageWidth, ProposalSettings settings)
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        long batch = outputs.Objectness[0].Size(0);
        var device = outputs.Objectness[0].Device;
        var result = new List<Tensor>();
        for (long b = 0; b < batch; b++)
        {
            var scores = new List<Tensor>();
            var boxes = new List<Tensor>();
            var levels = new List<Tensor>();
            for (int level = 0; level < outputs.Objectness.Count; level++)
            {
                var logits = outputs.Objectness[level][b].Detach();
                long h = logits.Size(1), w = logits.Size(2);
                var levelScores = logits.Permute(1, 2, 0).Reshape(-1).Sigmoid();
                var levelDeltas = outputs.Deltas[level][b].Detach().Permute(1, 2, 0).Reshape(-1, 6);
                var anchors = config.Anchors.GridAnchors(level, h, w, device);
                if (settings.NmsPre > 0 && levelScores.Size(0) > settings.NmsPre)
                {
                    var (sorted, order) = levelScores.Sort(descending: true);
                    var top = order.Narrow(0, 0, settings.NmsPre);
                    levelScores = sorted.Narrow(0, 0, settings.NmsPre);
                    levelDeltas = levelDeltas.Index(top);
                    anchors = anchors.Index(top);
                }
                scores.Add(levelScores);
                boxes.Add(config.RpnCoder.Decode(anchors, levelDeltas));
                levels.Add(Tensor.Full([levelScores.Size(0)], level, ScalarType.Int64, device));
            }
            var allScores = Tensor.Cat(scores);
            var allBoxes = Tensor.Cat(boxes);
            var keep = RotatedOps.BatchedNms(ObbGeometry.ObbToHbb(allBoxes), allScores, Tensor.Cat(levels), settings.NmsIou);
            var kept = allScores.Index(keep);
            var order2 = kept.ArgSort(descending: true);
            keep = keep.Index(order2);
            if (keep.Size(0) > settings.MaxNum) keep = keep.Narrow(0, 0, settings.MaxNum);
            result.Add(Tensor.Cat([allBoxes.Index(keep), allScores.Index(keep).Unsqueeze(1)], 1).MoveToOuter());
        }
        return result;
    }

    (Tensor Anchors, Tensor Valid) AllAnchors(RpnOutputs outputs, long imageHeight, long imageWidth, Device device)
    {
        var anchors = new List<Tensor>();
        var valid = new List<Tensor>();
        for (int level = 0; level < outputs.Objectness.Count; level++)
        {
            var s = outputs.Objectness[level].Shape;
            anchors.Add(config.Anchors.GridAnchors(level, s[2], s[3], device));
            valid.Add(config.Anchors.ValidFlags(level, s[2], s[3], imageHeight, imageWidth).To(device));
        }
        return (Tensor.Cat(anchors), Tensor.Cat(valid));
    }

    /// <summary>[B, A·k, H, W] per level -> [B, Σ H·W·A] (k = 1) or [B, Σ H·W·A, k]: position-major, then anchor.</summary>
    static Tensor FlattenLevels(IReadOnlyList<Tensor> levels, int k)
    {
        var flat = levels.Select(t => k == 1 ? t.Permute(0, 2, 3, 1).Reshape(t.Size(0), -1) : t.Permute(0, 2, 3, 1).Reshape(t.Size(0), -1, k)).ToList();
        return Tensor.Cat(flat, 1);
    }

    static Tensor Sum(IReadOnlyList<Tensor> parts) => parts.Count == 1 ? parts[0] : Tensor.Stack(parts).Sum();
}
