using GeoDense.Torch;

namespace GeoDense.Heads.UperNet;

/// <summary>mmseg's `resize`: bilinear, align_corners as configured.</summary>
static class Resize
{
    public static Tensor Bilinear(Tensor x, (long H, long W) size, bool alignCorners) =>
        Functional.Interpolate(x, size, mode: InterpolationMode.Bilinear, alignCorners: alignCorners);

    public static (long H, long W) SpatialSize(Tensor x)
    {
        var s = x.Shape;
        return (s[^2], s[^1]);
    }
}
