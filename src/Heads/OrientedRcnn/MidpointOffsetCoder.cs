using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// Oriented RPN's box coder (OBBDetection MidpointOffsetCoder): a horizontal anchor (x1, y1, x2, y2) and a rotated
/// target become (dx, dy, dw, dh) of the target's enclosing box plus (da, db), the offsets of the target's top and
/// right vertices along the enclosing box's top and right edges. Decoding clamps the offsets to ±0.5, scales the
/// parallelogram's diagonals to equal length (so it is a rectangle) and reads the rectangle back as an obb.
/// </summary>
public sealed record MidpointOffsetCoder(double[] Means, double[] Stds, double WhRatioClip = 16.0 / 1000)
{
    /// <summary>The Oriented R-CNN config's: means 0, stds [1, 1, 1, 1, 0.5, 0.5].</summary>
    public static MidpointOffsetCoder Reference { get; } = new([0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0.5, 0.5]);

    /// <summary>Anchors [N, 4] hbb, targets [N, 5] obb -> deltas [N, 6].</summary>
    public Tensor Encode(Tensor anchors, Tensor targets)
    {
        using var scope = TorchRuntime.NewScope();
        anchors = anchors.Float();
        targets = targets.Float();
        var a = anchors.Unbind(-1);
        var px = a[0].Add(a[2]).Mul(0.5);
        var py = a[1].Add(a[3]).Mul(0.5);
        var pw = a[2].Sub(a[0]);
        var ph = a[3].Sub(a[1]);

        var hbb = ObbGeometry.ObbToHbb(targets).Unbind(-1);
        var gx = hbb[0].Add(hbb[2]).Mul(0.5);
        var gy = hbb[1].Add(hbb[3]).Mul(0.5);
        var gw = hbb[2].Sub(hbb[0]);
        var gh = hbb[3].Sub(hbb[1]);

        var poly = RotatedOps.ObbToPolygon(targets);
        var xs = poly.Slice(1, 0, null, 2);
        var ys = poly.Slice(1, 1, null, 2);
        var yMin = ys.Amin(1, keepDim: true);
        var xMax = xs.Amax(1, keepDim: true);
        // the vertex on the top edge (largest x among those within 0.1 of the top) and on the right edge (largest y)
        var ga = xs.MaskedFill(ys.Sub(yMin).Abs().Gt(0.1), -1000).Amax(1);
        var gb = ys.MaskedFill(xs.Sub(xMax).Abs().Gt(0.1), -1000).Amax(1);

        var deltas = Tensor.Stack([
            gx.Sub(px).Div(pw), gy.Sub(py).Div(ph), gw.Div(pw).Log(), gh.Div(ph).Log(),
            ga.Sub(gx).Div(gw), gb.Sub(gy).Div(gh)], -1);
        return Normalise(deltas).MoveToOuter();
    }

    /// <summary>Anchors [N, 4] hbb, deltas [N, 6] -> boxes [N, 5] obb.</summary>
    public Tensor Decode(Tensor anchors, Tensor deltas)
    {
        using var scope = TorchRuntime.NewScope();
        var d = Denormalise(deltas).Unbind(-1);
        double maxRatio = Math.Abs(Math.Log(WhRatioClip));
        var dw = d[2].Clamp(-maxRatio, maxRatio);
        var dh = d[3].Clamp(-maxRatio, maxRatio);
        var a = anchors.Unbind(-1);
        var px = a[0].Add(a[2]).Mul(0.5);
        var py = a[1].Add(a[3]).Mul(0.5);
        var pw = a[2].Sub(a[0]);
        var ph = a[3].Sub(a[1]);
        var gw = pw.Mul(dw.Exp());
        var gh = ph.Mul(dh.Exp());
        var gx = px.Add(pw.Mul(d[0]));
        var gy = py.Add(ph.Mul(d[1]));
        var x1 = gx.Sub(gw.Mul(0.5));
        var y1 = gy.Sub(gh.Mul(0.5));
        var x2 = gx.Add(gw.Mul(0.5));
        var y2 = gy.Add(gh.Mul(0.5));
        var da = d[4].Clamp(-0.5, 0.5);
        var db = d[5].Clamp(-0.5, 0.5);
        var ga = gx.Add(da.Mul(gw));
        var gaOpposite = gx.Sub(da.Mul(gw));
        var gb = gy.Add(db.Mul(gh));
        var gbOpposite = gy.Sub(db.Mul(gh));
        // the parallelogram (ga, y1), (x2, gb), (ga', y2), (x1, gb'), made a rectangle by stretching every
        // half-diagonal to the longest one
        var xsRel = Tensor.Stack([ga, x2, gaOpposite, x1], -1).Sub(gx.Unsqueeze(-1));
        var ysRel = Tensor.Stack([y1, gb, y2, gbOpposite], -1).Sub(gy.Unsqueeze(-1));
        var diag = xsRel.Square().Add(ysRel.Square()).Sqrt();
        var factor = diag.Amax(-1, keepDim: true).Div(diag);
        var rx = xsRel.Mul(factor).Add(gx.Unsqueeze(-1));
        var ry = ysRel.Mul(factor).Add(gy.Unsqueeze(-1));
        var polygons = Tensor.Stack([rx, ry], -1).Flatten(-2);
        return ObbGeometry.RectPolygonToObb(polygons).MoveToOuter();
    }

    Tensor Normalise(Tensor deltas)
    {
        using var scope = TorchRuntime.NewScope();
        using var means = Tensor.FromArray(Array.ConvertAll(Means, m => (float)m), 6).To(deltas.Device);
        using var stds = Tensor.FromArray(Array.ConvertAll(Stds, s => (float)s), 6).To(deltas.Device);
        return deltas.Sub(means).Div(stds).MoveToOuter();
    }

    Tensor Denormalise(Tensor deltas)
    {
        using var scope = TorchRuntime.NewScope();
        using var means = Tensor.FromArray(Array.ConvertAll(Means, m => (float)m), 6).To(deltas.Device);
        using var stds = Tensor.FromArray(Array.ConvertAll(Stds, s => (float)s), 6).To(deltas.Device);
        return deltas.Mul(stds).Add(means).MoveToOuter();
    }
}
