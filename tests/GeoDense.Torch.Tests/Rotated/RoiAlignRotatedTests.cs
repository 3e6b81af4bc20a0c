using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests.Rotated;

public class RoiAlignRotatedTests
{
    // f(y, x) = 2x + 3y + 1 on the pixel grid: bilinear sampling reproduces a linear function exactly, so every
    // bin's average equals f at the bin's centre and the expected output follows from geometry alone.
    private static Tensor LinearMap(int height, int width)
    {
        var values = new float[height * width];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                values[y * width + x] = 2 * x + 3 * y + 1;
        return Tensor.FromArray(values, 1, 1, height, width);
    }

    private static double[] ExpectedOnLinearMap(double[] roi, int pooled, double scale, double theta)
    {
        double cx = roi[1] * scale - 0.5, cy = roi[2] * scale - 0.5, w = roi[3] * scale, h = roi[4] * scale;
        var expected = new List<double>();
        for (var py = 0; py < pooled; py++)
            for (var px = 0; px < pooled; px++)
            {
                double xx = -w / 2 + (px + 0.5) * w / pooled, yy = -h / 2 + (py + 0.5) * h / pooled;
                // The bin centre in the RoI frame, turned so that +xx runs along (cos, -sin) in the image.
                double x = cx + xx * Math.Cos(theta) + yy * Math.Sin(theta);
                double y = cy - xx * Math.Sin(theta) + yy * Math.Cos(theta);
                expected.Add(2 * x + 3 * y + 1);
            }
        return [.. expected];
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.6)]
    [InlineData(-1.2)]
    public void BinsAverageTheFeatureAroundTheirRotatedCentres(double theta)
    {
        using var scope = TorchRuntime.NewScope();
        double[] roi = [0, 40, 44, 20, 12, theta];
        var output = RotatedOps.RoiAlignRotated(LinearMap(32, 32), Tensor.FromArray(roi.Select(v => (float)v).ToArray(), 1, 6), 7, 7, 0.5, 2, aligned: true);
        Assert.Equal([1L, 1, 7, 7], output.Shape);
        Close(ExpectedOnLinearMap(roi, 7, 0.5, theta), output, 1e-5);
    }

    [Fact]
    public void ClockwiseMeasuresTheAngleTheOtherWay()
    {
        using var scope = TorchRuntime.NewScope();
        var map = LinearMap(32, 32);
        var clockwise = RotatedOps.RoiAlignRotated(map, Tensor.FromArray(new float[] { 0, 16, 16, 16, 10, 0.7f }, 1, 6), 7, 7, 1, 2, true, clockwise: true);
        Close(ExpectedOnLinearMap([0, 16, 16, 16, 10, -0.7f], 7, 1, -0.7f), clockwise, 1e-5);
    }

    [Fact]
    public void EachRoiSamplesItsOwnBatchItem()
    {
        using var scope = TorchRuntime.NewScope();
        var map = LinearMap(16, 16);
        var batch = Tensor.Cat([map, map * 10], 0);
        var rois = Tensor.FromArray(new float[] { 1, 8, 8, 6, 4, 0.3f, 0, 8, 8, 6, 4, 0.3f }, 2, 6);
        var output = RotatedOps.RoiAlignRotated(batch, rois, 3, 3, 1, 2, true).ToArray<float>();
        for (var i = 0; i < 9; i++) Assert.Equal(output[9 + i] * 10, output[i], 3);
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        // One RoI well inside, one rotated across the border (clamped and dropped samples), on two batch items.
        var features = new SeededTensors(7).Randn([2, 2, 6, 7], ScalarType.Float64);
        var rois = Tensor.FromArray(new double[] { 0, 3.5, 3, 5, 3, 0.3, 1, 1, 1, 6, 4, -0.8, 1, 4, 2.5, 2.5, 1.5, 2.0 }, 3, 6);
        GradCheck.Check(x => RotatedOps.RoiAlignRotated(x[0], rois, 3, 3, 1, 2, true), features);
        GradCheck.Check(x => RotatedOps.RoiAlignRotated(x[0], rois, 2, 3, 0.5, 0, false), features);
    }

    [Fact]
    public void BadRoisAreOneClearError()
    {
        using var scope = TorchRuntime.NewScope();
        var features = Tensor.Zeros(1, 2, 8, 8);
        var wrongBatch = Assert.Throws<TorchException>(() =>
            RotatedOps.RoiAlignRotated(features, Tensor.FromArray(new float[] { 1, 4, 4, 2, 2, 0 }, 1, 6), 7, 7, 1, 2, true));
        Assert.Contains("batch index", wrongBatch.Message);
        var wrongShape = Assert.Throws<TorchException>(() => RotatedOps.RoiAlignRotated(features, Tensor.Zeros(1, 5), 7, 7, 1, 2, true));
        Assert.Contains("rois must be [K, 6]", wrongShape.Message);
    }
}
