using GeoDense.Torch;
using GeoDense.Torch.NN;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>Detections of one image: rotated boxes [D, 5] (obb), scores [D], class indices [D] int64; best first.</summary>
public sealed record ObbDetections(Tensor Boxes, Tensor Scores, Tensor Labels) : IDisposable
{
    public long Count => Scores.Numel;
    public void Dispose() { Boxes.Dispose(); Scores.Dispose(); Labels.Dispose(); }
}

/// <summary>
/// OBBStandardRoIHead with its `bbox_head` (<see cref="Shared2FcObbHead"/>). Training: proposals are assigned to the
/// ground truth by rotated IoU (MaxIoU 0.5), the ground truth joins the proposals, 512 are sampled (25 % positive),
/// CE over all samples + SmoothL1(1) on the positives' obb deltas, both averaged over the sampled count. Test:
/// softmax scores, class-agnostic decode, then per class score > thr, boxes with a side under 0.001 dropped, rotated
/// NMS per class and the best max_per_img.
/// </summary>
public sealed class ObbRoiHead : Module
{
    readonly OrientedRcnnConfig config;
    readonly RotatedRoiExtractor extractor;

    public Shared2FcObbHead BboxHead { get; }

    public ObbRoiHead(OrientedRcnnConfig config)
    {
        this.config = config;
        extractor = new RotatedRoiExtractor(config.RoiExtractor, config.RoiStrides);
        BboxHead = RegisterModule("bbox_head", new Shared2FcObbHead(config.FpnChannels, config.RoiExtractor.OutSize, config.FcChannels, config.NumClasses));
    }

    /// <summary>(loss_cls, loss_bbox, accuracy %) from RPN proposals ([P, 5 or 6] per image) and the ground truth.</summary>
    public (Tensor Cls, Tensor Bbox, double Accuracy) Loss(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals, IReadOnlyList<ObbTargets> targets)
    {
        using var scope = TorchRuntime.NewScope();
        var device = features[0].Device;
        var rois = new List<Tensor>();
        var labels = new List<Tensor>();
        var regTargets = new List<Tensor>();
        var positiveMask = new List<Tensor>();
        for (int b = 0; b < targets.Count; b++)
        {
            var boxes = proposals[b].Narrow(1, 0, 5).Detach();
            var gt = targets[b].Boxes.To(ScalarType.Float32);
            using var overlaps = RotatedOps.BoxIouRotated(gt, boxes);
            using var assign = config.RcnnAssigner.Assign(overlaps);
            using var sample = config.RcnnSampler.Sample(assign, boxes, gt);
            var chosen = Tensor.Cat([sample.PositiveIndices, sample.NegativeIndices]);
            var sampled = sample.Boxes.Index(chosen);
            rois.Add(Tensor.Cat([Tensor.Full([sampled.Size(0), 1], b, ScalarType.Float32, device), sampled], 1));
            var negLabels = Tensor.Full([sample.NegativeCount], config.NumClasses, ScalarType.Int64, device);
            labels.Add(Tensor.Cat([targets[b].Labels.To(device).Index(sample.PositiveGtIndices), negLabels]));
            var encoded = sample.PositiveCount > 0
                ? config.RcnnCoder.Encode(sample.Boxes.Index(sample.PositiveIndices), gt.Index(sample.PositiveGtIndices))
                : Tensor.Zeros([0, 5], ScalarType.Float32, device);
            regTargets.Add(Tensor.Cat([encoded, Tensor.Zeros([sample.NegativeCount, 5], ScalarType.Float32, device)]));
            positiveMask.Add(Tensor.Cat([Tensor.Ones([sample.PositiveCount], ScalarType.Bool, device), Tensor.Zeros([sample.NegativeCount], ScalarType.Bool, device)]));
        }
        var allRois = Tensor.Cat(rois);
        var allLabels = Tensor.Cat(labels);
        var (logits, deltas) = BboxHead.Forward(extractor.Extract(features, allRois));
        long count = Math.Max(allRois.Size(0), 1);
        var cls = Functional.CrossEntropy(logits, allLabels, reduction: Reduction.Sum).Div(count);
        var positives = Tensor.Cat(positiveMask).Nonzero().Reshape(-1);
        var bbox = positives.Numel > 0
            ? Functional.SmoothL1Loss(deltas.Index(positives), Tensor.Cat(regTargets).Index(positives), Reduction.Sum, config.RcnnSmoothL1Beta).Div(count)
            : deltas.Sum().Mul(0);
        double accuracy;
        using (TorchRuntime.NoGrad())
            accuracy = logits.Detach().ArgMax(1).Eq(allLabels).Float().Mean().Item<float>() * 100.0;
        return (cls.MoveToOuter(), bbox.MoveToOuter(), accuracy);
    }

    /// <summary>Final detections per image from its proposals ([P, 5 or 6]).</summary>
    public IReadOnlyList<ObbDetections> Detect(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals, RcnnTestSettings settings)
    {
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var device = features[0].Device;
        var rois = Tensor.Cat(proposals.Select((p, b) =>
            Tensor.Cat([Tensor.Full([p.Size(0), 1], b, ScalarType.Float32, device), p.Narrow(1, 0, 5)], 1)).ToList());
        var (logits, deltas) = BboxHead.Forward(extractor.Extract(features, rois));
        var scores = logits.Softmax(1);
        var boxes = config.RcnnCoder.Decode(rois.Narrow(1, 1, 5), deltas);
        var result = new List<ObbDetections>();
        long start = 0;
        foreach (var p in proposals)
        {
            long n = p.Size(0);
            var d = MulticlassNms(boxes.Narrow(0, start, n), scores.Narrow(0, start, n), settings);
            result.Add(new ObbDetections(d.Boxes.MoveToOuter(), d.Scores.MoveToOuter(), d.Labels.MoveToOuter()));
            start += n;
        }
        return result;
    }

    /// <summary>multiclass_arb_nms: boxes [N, 5] shared by all classes, scores [N, classes + 1] (background last).</summary>
    ObbDetections MulticlassNms(Tensor boxes, Tensor scores, RcnnTestSettings settings)
    {
        using var scope = TorchRuntime.NewScope();
        var classScores = scores.Narrow(1, 0, config.NumClasses);
        var valid = classScores.Gt(settings.ScoreThreshold);
        var big = boxes.Select(1, 2).Ge(1e-3).LogicalAnd(boxes.Select(1, 3).Ge(1e-3)).Unsqueeze(1);
        var pick = valid.LogicalAnd(big).Nonzero();
        var rows = pick.Select(1, 0);
        var labels = pick.Select(1, 1);
        var candidateBoxes = boxes.Index(rows);
        var candidateScores = classScores.Index(rows).Gather(1, labels.Unsqueeze(1)).Reshape(-1);
        var keep = candidateScores.Numel == 0 ? Tensor.Zeros([0], ScalarType.Int64, boxes.Device)
            : RotatedOps.BatchedNmsRotated(candidateBoxes, candidateScores, labels, settings.NmsIou);
        keep = keep.Index(candidateScores.Index(keep).ArgSort(descending: true));
        if (settings.MaxPerImage > 0 && keep.Numel > settings.MaxPerImage) keep = keep.Narrow(0, 0, settings.MaxPerImage);
        return new ObbDetections(candidateBoxes.Index(keep).MoveToOuter(), candidateScores.Index(keep).MoveToOuter(), labels.Index(keep).MoveToOuter());
    }
}
