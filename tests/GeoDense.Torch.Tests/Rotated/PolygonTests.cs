using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests.Rotated;

public class PolygonTests
{
    private const double ReferencePi = 3.141592;

    private static Tensor Polygons(params double[][] rows) => Tensor.FromArray(rows.SelectMany(r => r).ToArray(), rows.Length, 8);

    [Fact]
    public void ObbCornersFollowBboxToolkitOrder()
    {
        using var scope = TorchRuntime.NewScope();
        // w along +x (theta 0), h along y: c + v1 + v2 with v1 = (2, 0), v2 = (0, -1) first.
        Close([12, 19, 12, 21, 8, 21, 8, 19], RotatedOps.ObbToPolygon(Tensor.FromArray(new float[] { 10, 20, 4, 2, 0 }, 1, 5)));
        // A quarter turn: w now points up the image (y decreasing).
        Close([9, 18, 11, 18, 11, 22, 9, 22], RotatedOps.ObbToPolygon(Tensor.FromArray(new[] { 10, 20, 4, 2, Math.PI / 2 }, 1, 5)), 1e-6);
    }

    [Fact]
    public void PolygonToObbInvertsObbToPolygon()
    {
        using var scope = TorchRuntime.NewScope();
        var random = new Random(5);
        var rows = Enumerable.Range(0, 50).Select(_ =>
        {
            var w = 2 + random.NextDouble() * 100;
            return new[] { random.NextDouble() * 1000, random.NextDouble() * 1000, w, w * (0.1 + 0.8 * random.NextDouble()),
                (random.NextDouble() - 0.5) * 3.1 };
        }).ToArray();
        var obb = Tensor.FromArray(rows.SelectMany(r => r).ToArray(), rows.Length, 5);
        var back = RotatedOps.PolygonToObb(RotatedOps.ObbToPolygon(obb));
        Assert.Equal(ScalarType.Float64, back.DType);
        // float32 corners (as BboxToolkit hands them to cv2) and the 3.141592 degree conversion bound the error.
        Close(obb.ToArray<double>(), back, 1e-4);
    }

    [Fact]
    public void MinimumAreaRectanglePutsTheLongSideInWAndThetaInTheReferenceRange()
    {
        using var scope = TorchRuntime.NewScope();
        // An upright 2 x 4 rectangle: w = 4 points along y, which the reference writes as -pi/2 (its pi).
        var upright = RotatedOps.PolygonToObb(Polygons([0, 0, 2, 0, 2, 4, 0, 4])).ToArray<double>();
        Close([1, 2, 4, 2, -ReferencePi / 2], Tensor.FromArray(upright), 1e-7);
        // A square keeps theta 0; a parallelogram gets the smallest of its enclosing rectangles (5 x 1 upright here,
        // 12 along the slanted side).
        Close([1, 1, 2, 2, 0], RotatedOps.PolygonToObb(Polygons([0, 0, 2, 0, 2, 2, 0, 2])), 1e-7);
        Close([2.5, 0.5, 5, 1, 0], RotatedOps.PolygonToObb(Polygons([0, 0, 4, 0, 5, 1, 1, 1])), 1e-7);
    }

    [Fact]
    public void PolygonIouOfKnownOverlaps()
    {
        using var scope = TorchRuntime.NewScope();
        var square = new double[] { 0, 0, 1, 0, 1, 1, 0, 1 };
        var reversed = new double[] { 0, 1, 1, 1, 1, 0, 0, 0 };
        var shifted = new double[] { 0.5, 0.5, 1.5, 0.5, 1.5, 1.5, 0.5, 1.5 };
        var far = new double[] { 5, 5, 6, 5, 6, 6, 5, 6 };
        var iou = RotatedOps.PolygonIou(Polygons(square, reversed), Polygons(square, shifted, far));
        Assert.Equal(ScalarType.Float64, iou.DType);
        Assert.Equal([2L, 3], iou.Shape);
        Close([1, 0.25 / 1.75, 0, 1, 0.25 / 1.75, 0], iou, 1e-12);
    }

    [Fact]
    public void PolygonIouHandlesANonConvexQuadrilateral()
    {
        using var scope = TorchRuntime.NewScope();
        // A dart of area 4 inside the 4 x 4 square.
        var dart = new double[] { 0, 0, 4, 0, 1, 1, 0, 4 };
        var square = new double[] { 0, 0, 4, 0, 4, 4, 0, 4 };
        Close([1, 0.25], RotatedOps.PolygonIou(Polygons(dart), Polygons(dart, square)), 1e-12);
    }
}
