using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// Box helpers in OBBDetection's conventions: `obb` = (cx, cy, w, h, θ radians), `hbb` = (x1, y1, x2, y2). OBBDetection
/// uses pi = 3.141592 (not full π) when it regularises angles; <see cref="Pi"/> reproduces it, since the angle a
/// checkpoint learned to predict depends on it. Rotated IoU/NMS, RoIAlignRotated and polygon conversions live in
/// <see cref="RotatedOps"/> (native); what is here is plain tensor arithmetic.
/// </summary>
public static class ObbGeometry
{
    /// <summary>OBBDetection's `pi` (transforms_obb/misc.py and the coders).</summary>
    public const double Pi = 3.141592;

    /// <summary>regular_theta: θ into [-pi/2, pi/2) (period pi).</summary>
    public static Tensor RegularTheta(Tensor theta)
    {
        using var scope = TorchRuntime.NewScope();
        return theta.Add(Pi / 2).Remainder(Pi).Sub(Pi / 2).MoveToOuter();
    }

    /// <summary>regular_obb: w becomes the long side (θ turns by pi/2 when w and h swap), θ into [-pi/2, pi/2).</summary>
    public static Tensor RegularObb(Tensor obb)
    {
        using var scope = TorchRuntime.NewScope();
        var p = obb.Unbind(-1);
        var wider = p[2].Gt(p[3]);
        var w = Tensor.Where(wider, p[2], p[3]);
        var h = Tensor.Where(wider, p[3], p[2]);
        var theta = RegularTheta(Tensor.Where(wider, p[4], p[4].Add(Pi / 2)));
        return Tensor.Stack([p[0], p[1], w, h, theta], -1).MoveToOuter();
    }

    /// <summary>obb2hbb: the axis-aligned box enclosing each rotated box.</summary>
    public static Tensor ObbToHbb(Tensor obb)
    {
        using var scope = TorchRuntime.NewScope();
        var p = obb.Unbind(-1);
        var (cos, sin) = (p[4].Cos(), p[4].Sin());
        var halfW = p[2].Mul(0.5);
        var halfH = p[3].Mul(0.5);
        var dx = halfW.Mul(cos).Abs().Add(halfH.Mul(sin).Abs());
        var dy = halfW.Mul(sin).Abs().Add(halfH.Mul(cos).Abs());
        return Tensor.Stack([p[0].Sub(dx), p[1].Sub(dy), p[0].Add(dx), p[1].Add(dy)], -1).MoveToOuter();
    }

    /// <summary>hbb2obb: w the long side; a tall box gets θ = -pi/2.</summary>
    public static Tensor HbbToObb(Tensor hbb)
    {
        using var scope = TorchRuntime.NewScope();
        var p = hbb.Unbind(-1);
        var x = p[0].Add(p[2]).Mul(0.5);
        var y = p[1].Add(p[3]).Mul(0.5);
        var w = p[2].Sub(p[0]);
        var h = p[3].Sub(p[1]);
        var zero = Tensor.ZerosLike(x);
        var wide = w.Ge(h);
        return Tensor.Stack([x, y, Tensor.Where(wide, w, h), Tensor.Where(wide, h, w), Tensor.Where(wide, zero, zero.Sub(Pi / 2))], -1)
            .MoveToOuter();
    }

    /// <summary>
    /// rectpoly2obb: the rectangle whose first edge (corner 1 -> corner 2) sets θ, sized by the corners' extent in
    /// that rotated frame, then <see cref="RegularObb"/>. For corners [N, 8] (x1, y1, ..., x4, y4).
    /// </summary>
    public static Tensor RectPolygonToObb(Tensor polygons)
    {
        using var scope = TorchRuntime.NewScope();
        var c = polygons.Unbind(-1);
        var theta = c[3].Sub(c[1]).Neg().Atan2(c[2].Sub(c[0]));
        var (cos, sin) = (theta.Cos(), theta.Sin());
        var xs = Tensor.Stack([c[0], c[2], c[4], c[6]], -1);
        var ys = Tensor.Stack([c[1], c[3], c[5], c[7]], -1);
        var cx = xs.Mean(-1);
        var cy = ys.Mean(-1);
        var rx = xs.Sub(cx.Unsqueeze(-1));
        var ry = ys.Sub(cy.Unsqueeze(-1));
        // rotate by -θ: the same matrix product the reference writes as center_polys @ [[cos, -sin], [sin, cos]]^T
        var u = rx.Mul(cos.Unsqueeze(-1)).Sub(ry.Mul(sin.Unsqueeze(-1)));
        var v = rx.Mul(sin.Unsqueeze(-1)).Add(ry.Mul(cos.Unsqueeze(-1)));
        var w = u.Amax(-1).Sub(u.Amin(-1));
        var h = v.Amax(-1).Sub(v.Amin(-1));
        return RegularObb(Tensor.Stack([cx, cy, w, h, theta], -1)).MoveToOuter();
    }

    /// <summary>mmdet's BboxOverlaps2D (IoU, no +1): [N, 4] x [M, 4] -> [N, M].</summary>
    public static Tensor HbbIou(Tensor boxes1, Tensor boxes2)
    {
        using var scope = TorchRuntime.NewScope();
        var a = boxes1.Unsqueeze(1);
        var b = boxes2.Unsqueeze(0);
        var area1 = boxes1.Select(1, 2).Sub(boxes1.Select(1, 0)).Mul(boxes1.Select(1, 3).Sub(boxes1.Select(1, 1)));
        var area2 = boxes2.Select(1, 2).Sub(boxes2.Select(1, 0)).Mul(boxes2.Select(1, 3).Sub(boxes2.Select(1, 1)));
        var lt = a.Narrow(2, 0, 2).Maximum(b.Narrow(2, 0, 2));
        var rb = a.Narrow(2, 2, 2).Minimum(b.Narrow(2, 2, 2));
        var wh = rb.Sub(lt).ClampMin(0);
        var overlap = wh.Select(2, 0).Mul(wh.Select(2, 1));
        var union = area1.Unsqueeze(1).Add(area2.Unsqueeze(0)).Sub(overlap).ClampMin(1e-6);
        return overlap.Div(union).MoveToOuter();
    }
}
