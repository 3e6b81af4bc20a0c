using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class TrainingPlotTests
{
    [Fact]
    public void Curves_are_drawn_in_their_panels()
    {
        var loss = Enumerable.Range(0, 50).Select(i => (i * 10, 2.0 / (1 + i))).ToList();
        var miou = Enumerable.Range(1, 5).Select(i => (i * 100, 0.15 * i)).ToList();
        var rgb = TrainingPlot.Render(loss, miou);
        int plane = TrainingPlot.Width * TrainingPlot.Height;
        Assert.Equal(3 * plane, rgb.Length);
        int red = 0, blue = 0;
        for (int i = 0; i < plane; i++)
        {
            int x = i % TrainingPlot.Width;
            if (rgb[i] == 200 && rgb[plane + i] == 60 && rgb[2 * plane + i] == 40) { red++; Assert.True(x < TrainingPlot.Width / 2); }
            if (rgb[i] == 40 && rgb[plane + i] == 90 && rgb[2 * plane + i] == 200) { blue++; Assert.True(x > TrainingPlot.Width / 2); }
        }
        Assert.True(red > 300 && blue > 200, $"{red} loss pixels, {blue} mIoU pixels");
    }
}

public class PngImageTests
{
    [Fact]
    public void Written_png_reads_back_with_the_same_pixels()
    {
        int w = 7, h = 5, plane = w * h;
        var rgb = new byte[3 * plane];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 37 % 256);
        var path = Path.Combine(Path.GetTempPath(), $"plot-{Guid.NewGuid():N}.png");
        try
        {
            PngImage.WriteRgb(path, rgb, w, h);
            using var png = GeoDense.Geo.Raster.Open(path);
            Assert.Equal("PNG", png.DriverName);
            Assert.Equal(rgb, png.Read<byte>(GeoDense.Geo.PixelWindow.Full(w, h), [1, 2, 3]));
        }
        finally { File.Delete(path); }
    }
}
