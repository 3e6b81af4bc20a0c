using System.Globalization;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>
/// A DOTA quadrilateral: four corners in the order a label or Task1 line lists them (x1 y1 .. x4 y4), in pixels.
/// Not necessarily convex or even simple: DOTA labels and detections are taken as written.
/// </summary>
public readonly record struct Quad(double X1, double Y1, double X2, double Y2, double X3, double Y3, double X4, double Y4)
{
    public static Quad FromArray(ReadOnlySpan<double> v)
    {
        if (v.Length != 8) throw new ArgumentException($"a quadrilateral has 8 coordinates, got {v.Length}");
        return new Quad(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    public double[] ToArray() => [X1, Y1, X2, Y2, X3, Y3, X4, Y4];

    public (double X, double Y)[] Corners() => [(X1, Y1), (X2, Y2), (X3, Y3), (X4, Y4)];

    public double MinX => Math.Min(Math.Min(X1, X2), Math.Min(X3, X4));
    public double MaxX => Math.Max(Math.Max(X1, X2), Math.Max(X3, X4));
    public double MinY => Math.Min(Math.Min(Y1, Y2), Math.Min(Y3, Y4));
    public double MaxY => Math.Max(Math.Max(Y1, Y2), Math.Max(Y3, Y4));

    /// <summary>Shoelace area, positive whatever the winding.</summary>
    public double Area => Math.Abs(0.5 * (X1 * Y2 - X2 * Y1 + X2 * Y3 - X3 * Y2 + X3 * Y4 - X4 * Y3 + X4 * Y1 - X1 * Y4));

    /// <summary>Every x scaled by <paramref name="sx"/> then shifted by <paramref name="dx"/> (and y alike).</summary>
    public Quad Transform(double sx, double dx, double sy, double dy) =>
        new(X1 * sx + dx, Y1 * sy + dy, X2 * sx + dx, Y2 * sy + dy, X3 * sx + dx, Y3 * sy + dy, X4 * sx + dx, Y4 * sy + dy);

    /// <summary>The eight numbers separated by spaces, in the shortest form that reads back to the same doubles.</summary>
    public string ToText() => string.Join(' ', ToArray().Select(Format));

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
