using GeoDense.Geo;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>
/// Which windows of a DOTA image become patches and which objects a patch carries: BboxToolkit's img_split policy,
/// the one that cut the reference model's training patches (DOTA_devkit's older ImgSplit clips objects, marks the
/// cut ones difficult and pads with 0 instead):
/// <list type="bullet">
/// <item>an object belongs to a window when the part of its polygon inside the window is at least
/// <see cref="MinObjectFraction"/> (0.7) of its area ("iof"); it keeps its whole, unclipped polygon, moved (and, for a
/// rescaled window, scaled) into window pixel coordinates, so it may reach past the patch's edge;</item>
/// <item>a window survives when more than <see cref="MinImageFraction"/> (0.6) of it lies inside the image; when none
/// does (an image much smaller than a window), the windows within 0.01 of the best fraction are kept;</item>
/// <item>the parts of a window outside the image are padded with the mean colour (the pipeline's input mean, what
/// BboxToolkit's padding_value 104/116/124 BGR is).</item>
/// </list>
/// </summary>
public sealed record DotaSplitPolicy(double MinObjectFraction = 0.7, double MinImageFraction = 0.6)
{
    public static DotaSplitPolicy BboxToolkit { get; } = new();

    /// <summary>The windows of <paramref name="windows"/> that are not mostly outside a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public IReadOnlyList<GridWindow> KeepWindows(IReadOnlyList<GridWindow> windows, int width, int height)
    {
        if (windows.Count == 0) return windows;
        var image = PixelWindow.Full(width, height);
        var fractions = windows.Select(w => (double)w.Source.Intersect(image).Area / w.Source.Area).ToArray();
        double best = fractions.Max();
        bool anyAbove = fractions.Any(f => f > MinImageFraction);
        return windows.Where((w, i) => anyAbove ? fractions[i] > MinImageFraction : Math.Abs(fractions[i] - best) < 0.01)
            .Select((w, i) => w with { Index = i }).ToList();
    }

    /// <summary>The objects <paramref name="window"/> carries, in its output pixel coordinates (after the window's rescale).</summary>
    public IReadOnlyList<DotaObject> ObjectsIn(GridWindow window, IReadOnlyList<DotaObject> objects)
    {
        var kept = new List<DotaObject>();
        var s = window.Source;
        double sx = (double)window.OutputWidth / s.Width, sy = (double)window.OutputHeight / s.Height;
        foreach (var o in objects)
            if (InsideFraction(o.Polygon, s) >= MinObjectFraction)
                kept.Add(o with { Polygon = o.Polygon.Transform(sx, -s.X * sx, sy, -s.Y * sy) });
        return kept;
    }

    /// <summary>Area of the polygon inside the rectangle over the polygon's area (0 for a polygon without area).</summary>
    public static double InsideFraction(Quad polygon, PixelWindow rectangle)
    {
        double area = polygon.Area;
        if (!(area > 0)) return 0;
        if (polygon.MaxX <= rectangle.X || polygon.MinX >= rectangle.Right || polygon.MaxY <= rectangle.Y || polygon.MinY >= rectangle.Bottom) return 0;
        var clipped = Clip(polygon.Corners().ToList(), rectangle);
        return ShoelaceArea(clipped) / area;
    }

    /// <summary>Sutherland-Hodgman against the four edges of an axis-aligned rectangle (exact for any simple polygon).</summary>
    static List<(double X, double Y)> Clip(List<(double X, double Y)> polygon, PixelWindow r)
    {
        polygon = ClipEdge(polygon, p => p.X >= r.X, (a, b) => Cross(a, b, (r.X - a.X) / (b.X - a.X)));
        polygon = ClipEdge(polygon, p => p.X <= r.Right, (a, b) => Cross(a, b, (r.Right - a.X) / (b.X - a.X)));
        polygon = ClipEdge(polygon, p => p.Y >= r.Y, (a, b) => Cross(a, b, (r.Y - a.Y) / (b.Y - a.Y)));
        return ClipEdge(polygon, p => p.Y <= r.Bottom, (a, b) => Cross(a, b, (r.Bottom - a.Y) / (b.Y - a.Y)));
    }

    static (double X, double Y) Cross((double X, double Y) a, (double X, double Y) b, double t) => (a.X + t * (b.X - a.X), a.Y + t * (b.Y - a.Y));

    static List<(double X, double Y)> ClipEdge(List<(double X, double Y)> polygon, Func<(double X, double Y), bool> inside,
        Func<(double X, double Y), (double X, double Y), (double X, double Y)> crossing)
    {
        var result = new List<(double X, double Y)>(polygon.Count + 2);
        for (int i = 0; i < polygon.Count; i++)
        {
            var current = polygon[i];
            var previous = polygon[(i + polygon.Count - 1) % polygon.Count];
            bool cIn = inside(current), pIn = inside(previous);
            if (cIn)
            {
                if (!pIn) result.Add(crossing(previous, current));
                result.Add(current);
            }
            else if (pIn) result.Add(crossing(previous, current));
        }
        return result;
    }

    static double ShoelaceArea(List<(double X, double Y)> p)
    {
        double twice = 0;
        for (int i = 0; i < p.Count; i++)
        {
            var (x0, y0) = p[i];
            var (x1, y1) = p[(i + 1) % p.Count];
            twice += x0 * y1 - x1 * y0;
        }
        return Math.Abs(twice) / 2;
    }
}
