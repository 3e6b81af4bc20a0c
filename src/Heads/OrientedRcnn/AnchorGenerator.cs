using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// mmdet v2's AnchorGenerator (as OBBDetection ships it): per level, base size = stride, anchors of area
/// (stride·scale)² with h/w = ratio (h_ratio = √ratio, w_ratio = 1/√ratio), centred on the grid point itself
/// (center_offset 0, so the anchor of cell (x, y) is centred at (x·stride, y·stride), not at the cell centre).
/// Order within a level: row-major positions, then ratios (x scales) — the order the heads' channels are read in.
/// </summary>
public sealed record AnchorGenerator(IReadOnlyList<int> Strides, IReadOnlyList<double> Ratios, IReadOnlyList<double> Scales)
{
    /// <summary>Oriented R-CNN's: scale 8, ratios 0.5/1/2, strides 4..64.</summary>
    public static AnchorGenerator Reference { get; } = new([4, 8, 16, 32, 64], [0.5, 1.0, 2.0], [8]);

    public int AnchorsPerLocation => Ratios.Count * Scales.Count;
    public int Levels => Strides.Count;

    /// <summary>Base anchors [A, 4] of one level around (0, 0), computed in float32 as the reference does.</summary>
    public Tensor BaseAnchors(int level)
    {
        using var scope = TorchRuntime.NewScope();
        double stride = Strides[level];
        var ratios = Tensor.FromArray(Ratios.Select(r => (float)r).ToArray(), Ratios.Count);
        var scales = Tensor.FromArray(Scales.Select(s => (float)s).ToArray(), Scales.Count);
        var hRatios = ratios.Sqrt();
        var wRatios = hRatios.Reciprocal();
        // scale_major: ratios outer, scales inner
        var ws = wRatios.Unsqueeze(1).Mul(scales.Unsqueeze(0)).Mul(stride).Reshape(-1);
        var hs = hRatios.Unsqueeze(1).Mul(scales.Unsqueeze(0)).Mul(stride).Reshape(-1);
        return Tensor.Stack([ws.Mul(-0.5), hs.Mul(-0.5), ws.Mul(0.5), hs.Mul(0.5)], -1).MoveToOuter();
    }

    /// <summary>Anchors [H·W·A, 4] (x1, y1, x2, y2) of one level's feature map of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public Tensor GridAnchors(int level, long height, long width, Device? device = null)
    {
        using var scope = TorchRuntime.NewScope();
        var baseAnchors = BaseAnchors(level);
        long stride = Strides[level];
        var xs = Tensor.Arange(0, width, 1, ScalarType.Float32).Mul(stride);
        var ys = Tensor.Arange(0, height, 1, ScalarType.Float32).Mul(stride);
        var xx = xs.Unsqueeze(0).Expand(height, width).Reshape(-1);
        var yy = ys.Unsqueeze(1).Expand(height, width).Reshape(-1);
        var shifts = Tensor.Stack([xx, yy, xx, yy], -1);
        var all = baseAnchors.Unsqueeze(0).Add(shifts.Unsqueeze(1)).Reshape(-1, 4);
        return (device is { } d ? all.To(d) : all).MoveToOuter();
    }

    /// <summary>
    /// valid_flags: anchors of feature cells that lie on the (padded) image, [H·W·A] bool. A feature map may be one
    /// cell larger than ceil(padded size / stride) when the backbone rounds up.
    /// </summary>
    public Tensor ValidFlags(int level, long height, long width, long padHeight, long padWidth)
    {
        using var scope = TorchRuntime.NewScope();
        long stride = Strides[level];
        long validH = Math.Min((padHeight + stride - 1) / stride, height);
        long validW = Math.Min((padWidth + stride - 1) / stride, width);
        var vx = Tensor.Arange(width).Lt(validW);
        var vy = Tensor.Arange(height).Lt(validH);
        var valid = vy.Unsqueeze(1).LogicalAnd(vx.Unsqueeze(0)).Reshape(-1);
        return valid.Unsqueeze(1).Expand(height * width, AnchorsPerLocation).Reshape(-1).MoveToOuter();
    }

    /// <summary>anchor_inside_flags with allowed_border 0: valid anchors lying wholly on the image.</summary>
    public static Tensor InsideFlags(Tensor anchors, Tensor valid, long imageHeight, long imageWidth, double allowedBorder = 0)
    {
        using var scope = TorchRuntime.NewScope();
        var a = anchors.Unbind(-1);
        return valid
            .LogicalAnd(a[0].Ge(-allowedBorder)).LogicalAnd(a[1].Ge(-allowedBorder))
            .LogicalAnd(a[2].Lt(imageWidth + allowedBorder)).LogicalAnd(a[3].Lt(imageHeight + allowedBorder))
            .MoveToOuter();
    }
}
