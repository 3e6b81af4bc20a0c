using GeoDense.Tasks.Detection.Dota;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.Detection;

public class ObbFlipsTests
{
    [Fact]
    public void Polygons_mirror_their_coordinates()
    {
        var q = new Quad(10, 20, 40, 20, 40, 30, 10, 30);
        Assert.Equal(new Quad(90, 20, 60, 20, 60, 30, 90, 30), ObbFlips.Flip(q, FlipDirection.Horizontal, 100, 50));
        Assert.Equal(new Quad(10, 30, 40, 30, 40, 20, 10, 20), ObbFlips.Flip(q, FlipDirection.Vertical, 100, 50));
    }

    [Fact]
    public void Obbs_mirror_the_centre_negate_the_angle_and_stay_regular()
    {
        using var obb = Tensor.FromArray(new float[] { 10, 20, 30, 10, 0.5f, 50, 50, 40, 20, -MathF.PI / 2 }, 2, 5);
        using var h = ObbFlips.Flip(obb, FlipDirection.Horizontal, 100, 80);
        var v = h.ToArray<float>();
        Close([90f, 20f, 30f, 10f, -0.5f], v[..5]);
        // -(-π/2) = π/2 wraps to -π/2: [-π/2, π/2) is half-open
        Assert.Equal(50f, v[5]);
        Assert.Equal(-MathF.PI / 2, v[9], 5);
        using var vflip = ObbFlips.Flip(obb, FlipDirection.Vertical, 100, 80);
        Close([10f, 60f, 30f, 10f, -0.5f], vflip.ToArray<float>()[..5]);
    }

    static void Close(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void A_flipped_obb_has_the_corners_of_the_flipped_polygon()
    {
        using var obb = Tensor.FromArray(new float[] { 30, 40, 50, 20, 0.3f }, 1, 5);
        using var flipped = ObbFlips.Flip(obb, FlipDirection.Horizontal, 200, 100);
        using var viaObb = RotatedOps.ObbToPolygon(flipped);
        using var corners = RotatedOps.ObbToPolygon(obb);
        var mirrored = ObbFlips.Flip(Quad.FromArray(corners.ToArray<float>().Select(x => (double)x).ToArray()), FlipDirection.Horizontal, 200, 100);
        var expected = mirrored.Corners().OrderBy(c => Math.Round(c.X, 2)).ThenBy(c => Math.Round(c.Y, 2)).ToArray();
        var got = Quad.FromArray(viaObb.ToArray<float>().Select(x => (double)x).ToArray()).Corners()
            .OrderBy(c => Math.Round(c.X, 2)).ThenBy(c => Math.Round(c.Y, 2)).ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i].X, got[i].X, 3);
            Assert.Equal(expected[i].Y, got[i].Y, 3);
        }
    }
}
