using SkiaSharp;

namespace GeoDense.Geo;

/// <summary>A polygon to draw on a preview, in the raster's pixel coordinates, coloured by its class.</summary>
public readonly record struct PreviewPolygon(IReadOnlyList<(double X, double Y)> Vertices, int ClassId);

/// <summary>
/// Detections drawn over an image: the 2-98 percentile RGB stretch of the raster (decimated to <c>maxSize</c>), each
/// polygon outlined in its class colour, and a legend of the classes (all of them, so the colours read the same from
/// one preview to the next).
/// </summary>
public static class BoxPreview
{
    public static void Write(Raster source, string pngPath, IReadOnlyList<PreviewPolygon> polygons, IReadOnlyList<string> classNames,
        int[]? bands = null, int maxSize = 1024)
    {
        bands ??= source.BandCount >= 3 ? [1, 2, 3] : [1];
        var (w, h) = PngPreview.PreviewSize(source, maxSize);
        var rgb = PngPreview.StretchedRgb(source, bands, w, h);
        using var image = PngFile.FromPlanes(rgb, w, h);
        var colours = Palettes.Default(classNames.Count);
        double sx = (double)w / source.Width, sy = (double)h / source.Height;
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {w}x{h} canvas");
        surface.Canvas.DrawImage(image, 0, 0);
        using var pen = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        foreach (var polygon in polygons)
        {
            if (polygon.Vertices.Count < 2) continue;
            var c = colours[Math.Clamp(polygon.ClassId, 0, colours.Count - 1)];
            pen.Color = new SKColor(c.R, c.G, c.B);
            using var path = new SKPath();
            path.MoveTo((float)(polygon.Vertices[0].X * sx), (float)(polygon.Vertices[0].Y * sy));
            for (int i = 1; i < polygon.Vertices.Count; i++) path.LineTo((float)(polygon.Vertices[i].X * sx), (float)(polygon.Vertices[i].Y * sy));
            path.Close();
            surface.Canvas.DrawPath(path, pen);
        }
        using var drawn = surface.Snapshot();
        using var withLegend = PreviewLegend.Beside(drawn, classNames.Select((n, i) => new LegendEntry(colours[i], n)).ToList());
        PngFile.Write(pngPath, withLegend);
    }
}
