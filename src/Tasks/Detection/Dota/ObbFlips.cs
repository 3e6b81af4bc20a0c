using GeoDense.Torch;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>Which way an image is mirrored.</summary>
public enum FlipDirection { Horizontal, Vertical }

/// <summary>
/// Flip augmentation of boxes, as the reference's (BboxToolkit move.flip): a polygon mirrors its coordinates
/// (x -> W - x or y -> H - y); an obb (cx, cy, w, h, θ) mirrors its centre, negates θ and is regularised again
/// (w the long side, θ in [-π/2, π/2)).
/// </summary>
public static class ObbFlips
{
    public static Quad Flip(Quad q, FlipDirection direction, double width, double height) => direction == FlipDirection.Horizontal
        ? new Quad(width - q.X1, q.Y1, width - q.X2, q.Y2, width - q.X3, q.Y3, width - q.X4, q.Y4)
        : new Quad(q.X1, height - q.Y1, q.X2, height - q.Y2, q.X3, height - q.Y3, q.X4, height - q.Y4);

    /// <summary>Flips obbs [N, 5] of an image <paramref name="width"/> x <paramref name="height"/>; returns a new tensor.</summary>
    public static Tensor Flip(Tensor obb, FlipDirection direction, double width, double height)
    {
        if (obb.Dim != 2 || obb.Shape[1] != 5) throw new ArgumentException($"obbs are [N, 5], got [{string.Join(", ", obb.Shape)}]");
        float[] v;
        using (var cpu = obb.Cpu())
        using (var contiguous = cpu.Contiguous())
            v = contiguous.ToArray<float>();
        for (int i = 0; i < v.Length; i += 5)
        {
            if (direction == FlipDirection.Horizontal) v[i] = (float)(width - v[i]);
            else v[i + 1] = (float)(height - v[i + 1]);
            Regularise(v.AsSpan(i, 5), -v[i + 4]);
        }
        using var flipped = Tensor.FromArray(v, obb.Shape);
        return flipped.To(obb.Device);
    }

    /// <summary>BboxToolkit's regular_obb: the long side becomes w (θ + π/2 when h was longer), θ wrapped into [-π/2, π/2).</summary>
    static void Regularise(Span<float> box, double theta)
    {
        double w = box[2], h = box[3];
        if (!(w > h))
        {
            (box[2], box[3]) = (box[3], box[2]);
            theta += Math.PI / 2;
        }
        double wrapped = (theta + Math.PI / 2) % Math.PI;
        if (wrapped < 0) wrapped += Math.PI;
        box[4] = (float)(wrapped - Math.PI / 2);
    }
}
