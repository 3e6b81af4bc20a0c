using SkiaSharp;

namespace GeoDense.Geo;

/// <summary>One legend row: a colour swatch and its label.</summary>
internal readonly record struct LegendEntry(Rgb Colour, string Label);

/// <summary>
/// Puts a legend (a swatch and a label per row, in dark text on light grey) to the right of a map. The map is drawn
/// unscaled, so its pixels stay the exact palette colours.
/// </summary>
internal static class PreviewLegend
{
    const float TextSize = 15, Row = 24, Swatch = 16, Pad = 12, Gap = 8;
    // Light grey paper, not white: white classes at the map's edge would otherwise run into the legend unseen.
    static readonly SKColor Ink = new(32, 32, 32), Paper = new(238, 238, 238);

    public static SKImage Beside(SKImage map, IReadOnlyList<LegendEntry> entries)
    {
        using var font = new SKFont(PreviewFont.Typeface, TextSize);
        float textWidth = entries.Count == 0 ? 0 : entries.Max(e => font.MeasureText(e.Label));
        int legendWidth = entries.Count == 0 ? 0 : (int)Math.Ceiling(2 * Pad + Swatch + Gap + textWidth);
        int legendHeight = (int)Math.Ceiling(2 * Pad + entries.Count * Row);
        int width = map.Width + legendWidth, height = Math.Max(map.Height, entries.Count == 0 ? 0 : legendHeight);

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}x{height} canvas");
        var canvas = surface.Canvas;
        canvas.Clear(Paper);
        canvas.DrawImage(map, 0, 0);
        using var fill = new SKPaint { Style = SKPaintStyle.Fill };
        // Light classes (Potsdam's white impervious surface) need an outline to show as a swatch.
        using var outline = new SKPaint { Style = SKPaintStyle.Stroke, Color = Ink, StrokeWidth = 1 };
        using var ink = new SKPaint { Color = Ink, IsAntialias = true };
        float x = map.Width + Pad;
        for (int i = 0; i < entries.Count; i++)
        {
            float top = Pad + i * Row, swatchTop = top + (Row - Swatch) / 2;
            var c = entries[i].Colour;
            fill.Color = new SKColor(c.R, c.G, c.B);
            var box = SKRect.Create(x, swatchTop, Swatch, Swatch);
            canvas.DrawRect(box, fill);
            canvas.DrawRect(box, outline);
            // Baseline placed so the x-height sits at the swatch's middle.
            float baseline = top + Row / 2 - (font.Metrics.Ascent + font.Metrics.Descent) / 2;
            canvas.DrawText(entries[i].Label, x + Swatch + Gap, baseline, SKTextAlign.Left, font, ink);
        }
        return surface.Snapshot();
    }
}
