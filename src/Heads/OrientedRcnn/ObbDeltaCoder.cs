using GeoDense.Torch;

namespace GeoDense.Heads.OrientedRcnn;

/// <summary>
/// The R-CNN box coder (OBBDetection OBB2OBBDeltaXYWHTCoder, "DeltaXYWHA" on obb): centre offsets in the proposal's
/// rotated frame, log size ratios and the angle difference; of dθ and dθ + pi/2 (w and h swapped) the smaller one
/// is encoded, so a square-ish target never asks for a quarter turn.
/// </summary>
public sealed record ObbDeltaCoder(double[] Means, double[] Stds, double WhRatioClip = 16.0 / 1000)
{
    /// <summary>The Oriented R-CNN config's: means 0, stds [.1, .1, .2, .2, .1].</summary>
    public static ObbDeltaCoder Reference { get; } = new([0, 0, 0, 0, 0], [0.1, 0.1, 0.2, 0.2, 0.1]);

    /// <summary>Proposals [N, 5], targets [N, 5] (obb) -> deltas [N, 5].</summary>
    public Tensor Encode(Tensor proposals, Tensor targets)
    {
        using var scope = TorchRuntime.NewScope();
        var p = proposals.Float().Unbind(-1);
        var g = targets.Float().Unbind(-1);
        var dTheta1 = ObbGeometry.RegularTheta(g[4].Sub(p[4]));
        var dTheta2 = ObbGeometry.RegularTheta(g[4].Sub(p[4]).Add(ObbGeometry.Pi / 2));
        var first = dTheta1.Abs().Lt(dTheta2.Abs());
        var gw = Tensor.Where(first, g[2], g[3]);
        var gh = Tensor.Where(first, g[3], g[2]);
        var dTheta = Tensor.Where(first, dTheta1, dTheta2);
        var (cos, sin) = (p[4].Cos(), p[4].Sin());
        var ox = g[0].Sub(p[0]);
        var oy = g[1].Sub(p[1]);
        // the reference's rotation by -θ written out: cos(-θ)·ox + sin(-θ)·oy, -sin(-θ)·ox + cos(-θ)·oy
        var dx = cos.Mul(ox).Sub(sin.Mul(oy)).Div(p[2]);
        var dy = sin.Mul(ox).Add(cos.Mul(oy)).Div(p[3]);
        var deltas = Tensor.Stack([dx, dy, gw.Div(p[2]).Log(), gh.Div(p[3]).Log(), dTheta], -1);
        using var means = Vector(Means, deltas);
        using var stds = Vector(Stds, deltas);
        return deltas.Sub(means).Div(stds).MoveToOuter();
    }

    /// <summary>Proposals [N, 5], deltas [N, 5] -> boxes [N, 5] (regularised obb).</summary>
    public Tensor Decode(Tensor proposals, Tensor deltas)
    {
        using var scope = TorchRuntime.NewScope();
        using var means = Vector(Means, deltas);
        using var stds = Vector(Stds, deltas);
        var d = deltas.Mul(stds).Add(means).Unbind(-1);
        double maxRatio = Math.Abs(Math.Log(WhRatioClip));
        var p = proposals.Unbind(-1);
        var (cos, sin) = (p[4].Cos(), p[4].Sin());
        var ox = d[0].Mul(p[2]);
        var oy = d[1].Mul(p[3]);
        var gx = ox.Mul(cos).Add(oy.Mul(sin)).Add(p[0]);
        var gy = oy.Mul(cos).Sub(ox.Mul(sin)).Add(p[1]);
        var gw = p[2].Mul(d[2].Clamp(-maxRatio, maxRatio).Exp());
        var gh = p[3].Mul(d[3].Clamp(-maxRatio, maxRatio).Exp());
        return ObbGeometry.RegularObb(Tensor.Stack([gx, gy, gw, gh, d[4].Add(p[4])], -1)).MoveToOuter();
    }

    static Tensor Vector(double[] values, Tensor like) =>
        Tensor.FromArray(Array.ConvertAll(values, v => (float)v), values.Length).To(like.Device);
}
