using GeoDense.Geo;
using GeoDense.Tasks.Training;
using SkiaSharp;

namespace GeoDense.Tasks.Tests.Training;

public sealed class TrainingCurvesTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("geodense-curves-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Loss_is_drawn_on_the_left_panel_and_the_metric_on_the_right_with_axis_text()
    {
        var loss = Enumerable.Range(1, 50).Select(i => ((long)i * 10, 2.0 / i)).ToList();
        var miou = Enumerable.Range(1, 5).Select(i => ((long)i * 100, 0.15 * i)).ToList();
        var path = Path.Combine(dir, "curves.png");
        TrainingCurves.Write(path, loss, "mIoU", miou);

        using var png = Decode(path);
        Assert.Equal((TrainingCurves.Width, TrainingCurves.Height), (png.Width, png.Height));
        int half = png.Width / 2;
        var (lossLeft, lossRight) = Count(png, c => Near(c, TrainingCurves.LossColour), half);
        var (metricLeft, metricRight) = Count(png, c => Near(c, TrainingCurves.MetricColour), half);
        Assert.True(lossLeft > 300 && lossRight == 0, $"loss pixels: {lossLeft} left, {lossRight} right");
        Assert.True(metricRight > 200 && metricLeft == 0, $"metric pixels: {metricLeft} left, {metricRight} right");

        // Titles above and the x label with tick values below each plot area are text: dark ink in those strips.
        foreach (var (x0, x1) in new[] { (0, half), (half, png.Width) })
        {
            Assert.True(Ink(png, x0, x1, 0, 40) > 50, $"a title over columns {x0}..{x1}");
            Assert.True(Ink(png, x0, x1, png.Height - 40, png.Height) > 50, $"'iteration' under columns {x0}..{x1}");
            Assert.True(Ink(png, x0, x0 + 40, 40, png.Height - 60) > 30, $"a y label left of columns {x0}..{x1}");
        }
        Assert.Single(Directory.GetFiles(dir));   // written through a temporary, renamed
    }

    [Fact]
    public void Empty_series_give_labelled_empty_panels()
    {
        var path = Path.Combine(dir, "curves.png");
        TrainingCurves.Write(path, [], "top-1", []);

        using var png = Decode(path);
        Assert.Equal((TrainingCurves.Width, TrainingCurves.Height), (png.Width, png.Height));
        var (lossPixels, _) = Count(png, c => Near(c, TrainingCurves.LossColour), png.Width);
        Assert.Equal(0, lossPixels);
        Assert.True(Ink(png, 0, png.Width, 0, 40) > 100, "the titles are still there");
        Assert.True(Ink(png, 150, 450, 180, 270) > 30, "'no values yet' in the middle of the left panel");
    }

    static SKBitmap Decode(string path) => SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} is not a PNG");

    // The line is anti-aliased at its edges; its core keeps the exact colour, give or take rounding.
    static bool Near(SKColor c, Rgb rgb) => Math.Abs(c.Red - rgb.R) + Math.Abs(c.Green - rgb.G) + Math.Abs(c.Blue - rgb.B) <= 12;

    static bool IsInk(SKColor c) => c.Red < 90 && c.Green < 90 && c.Blue < 90;

    static (int Left, int Right) Count(SKBitmap png, Func<SKColor, bool> match, int split)
    {
        int left = 0, right = 0;
        for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width; x++)
                if (match(png.GetPixel(x, y))) { if (x < split) left++; else right++; }
        return (left, right);
    }

    static int Ink(SKBitmap png, int x0, int x1, int y0, int y1)
    {
        int n = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                if (IsInk(png.GetPixel(x, y))) n++;
        return n;
    }
}
