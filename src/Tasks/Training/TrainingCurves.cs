using GeoDense.Geo;
using ScottPlot;
using SkiaSharp;

namespace GeoDense.Tasks.Training;

/// <summary>
/// `curves.png` of a training run, drawn with ScottPlot: training loss against iteration on the left panel, the
/// validation metric the task reports (mIoU, top-1, F1...) on the right, each with title, axis labels, ticks and
/// a legend. A series with no values yet gives an empty panel that says so, since the file is rewritten after
/// every validation from the first one on.
/// </summary>
public static class TrainingCurves
{
    public const int Width = 1200, Height = 450;

    /// <summary>Curve colours (matplotlib's first two), public so tests can find the curves in the picture.</summary>
    public static readonly Rgb LossColour = new(31, 119, 180), MetricColour = new(214, 39, 40);

    public static void Write(string path, IReadOnlyList<(long Iteration, double Value)> loss, string metricName,
        IReadOnlyList<(long Iteration, double Value)> metric)
    {
        // Loss falls and the metric rises, so their legends go in the corners the curves usually leave empty.
        using var lossPlot = Panel("Training loss", "loss", "training loss", loss, LossColour, Alignment.UpperRight);
        using var metricPlot = Panel($"Validation {metricName}", metricName, $"validation {metricName}", metric, MetricColour, Alignment.LowerRight);
        using var surface = Surface(Width, Height);
        surface.Canvas.Clear(SKColors.White);
        // Each panel renders on a canvas of its own: ScottPlot clears the whole canvas it is given.
        foreach (var (plot, left, width) in new[] { (lossPlot, 0, Width / 2), (metricPlot, Width / 2, Width - Width / 2) })
        {
            using var panel = Surface(width, Height);
            plot.Render(panel);
            using var image = panel.Snapshot();
            surface.Canvas.DrawImage(image, left, 0);
        }
        using var picture = surface.Snapshot();
        PngFile.Write(path, picture);
    }

    static SKSurface Surface(int width, int height) =>
        SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
        ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}x{height} canvas");

    static Plot Panel(string title, string yLabel, string legend, IReadOnlyList<(long Iteration, double Value)> series, Rgb colour,
        Alignment legendCorner)
    {
        var plot = new Plot();
        plot.Font.Set(ScottPlotFont.Family);
        plot.Title(title);
        plot.XLabel("iteration");
        plot.YLabel(yLabel);
        if (series.Count == 0)
        {
            plot.Axes.SetLimits(0, 1, 0, 1);
            plot.Add.Annotation("no values yet", Alignment.MiddleCenter);
            return plot;
        }
        var line = plot.Add.Scatter(series.Select(p => (double)p.Iteration).ToArray(), series.Select(p => p.Value).ToArray());
        line.Color = new Color(colour.R, colour.G, colour.B);
        line.LineWidth = 2;
        // A validation curve has few points; markers show where each one was measured.
        line.MarkerSize = series.Count <= 25 ? 6 : 0;
        line.LegendText = legend;
        plot.ShowLegend(legendCorner);
        return plot;
    }
}
