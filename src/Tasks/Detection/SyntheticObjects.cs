using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Training;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>One kind of synthetic object: DOTA class name, rectangle size (long x short side, pixels) and RGB colour.</summary>
public sealed record SyntheticObjectKind(string ClassName, double Length, double Width, byte R, byte G, byte B);

/// <summary>
/// Synthetic oriented-object scenes in DOTA's folder layout (`images/NAME.tif`, `labelTxt/NAME.txt`): a textured
/// ground with non-overlapping rotated rectangles of three kinds — plane-, ship- and vehicle-like by size, aspect
/// and colour, at any angle. Used by the detection learning test and the demo; deterministic from the seed.
/// </summary>
public static class SyntheticObjects
{
    /// <summary>The three kinds (sizes chosen so the stride-4 anchors of 32 px still match the smallest).</summary>
    public static IReadOnlyList<SyntheticObjectKind> Kinds { get; } =
    [
        new("plane", 52, 44, 235, 235, 228),
        new("ship", 60, 18, 40, 70, 170),
        new("small-vehicle", 30, 15, 200, 45, 35),
    ];

    public static IReadOnlyList<string> ClassNames => Kinds.Select(k => k.ClassName).ToList();

    /// <summary>Writes <paramref name="count"/> scenes of <paramref name="size"/>² pixels into <paramref name="root"/>; returns their names.</summary>
    public static IReadOnlyList<string> WriteDataset(string root, int count, int size, int objectsPerImage, long seed, string prefix = "S")
    {
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "labelTxt"));
        var names = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var name = $"{prefix}{i:D4}";
            var (pixels, objects) = Render(size, objectsPerImage, new CounterRandom(seed, TrainingStream.DataOrder, i));
            using (var writer = RasterWriter.Create(Path.Combine(root, "images", name + ".tif"), new RasterSpec(size, size, 3, RasterDataType.Byte)))
            {
                writer.Write<byte>(new PixelWindow(0, 0, size, size), [1, 2, 3], pixels);
                writer.Commit();
            }
            IO.AtomicFile.WriteAllText(Path.Combine(root, "labelTxt", name + ".txt"), DotaLabelFile.Format(new DotaLabels(null, null, objects)));
            names.Add(name);
        }
        return names;
    }

    /// <summary>One scene: band-sequential RGB bytes and its objects (polygons in OBBDetection's corner order).</summary>
    public static (byte[] Pixels, IReadOnlyList<DotaObject> Objects) Render(int size, int objectCount, Random random)
    {
        var pixels = new byte[3 * size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                // a gently varying grass/soil ground with pixel noise, so objects must be told from texture
                double t = 0.5 + 0.25 * Math.Sin(x * 0.045 + y * 0.02) + 0.25 * Math.Sin(y * 0.06 - x * 0.013);
                int noise = random.Next(-12, 13);
                pixels[0 * size * size + y * size + x] = Clamp(80 + 50 * t + noise);
                pixels[1 * size * size + y * size + x] = Clamp(100 + 30 * t + noise);
                pixels[2 * size * size + y * size + x] = Clamp(60 + 20 * t + noise);
            }
        var placed = new List<(double X, double Y, double Radius)>();
        var objects = new List<DotaObject>();
        for (int attempt = 0; objects.Count < objectCount && attempt < 50 * objectCount; attempt++)
        {
            var kind = Kinds[random.Next(Kinds.Count)];
            double scale = 0.85 + 0.3 * random.NextDouble();
            double w = kind.Length * scale, h = kind.Width * scale, radius = 0.5 * Math.Sqrt(w * w + h * h);
            double cx = radius + 2 + random.NextDouble() * (size - 2 * radius - 4);
            double cy = radius + 2 + random.NextDouble() * (size - 2 * radius - 4);
            if (placed.Any(p => Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy)) < p.Radius + radius + 3)) continue;
            double theta = (random.NextDouble() - 0.5) * Math.PI;
            placed.Add((cx, cy, radius));
            var corners = Corners(cx, cy, w, h, theta);
            Fill(pixels, size, corners, kind);
            objects.Add(new DotaObject(Quad.FromArray(corners), kind.ClassName, Difficult: false));
        }
        return (pixels, objects);
    }

    /// <summary>The obb's corners via <see cref="RotatedOps.ObbToPolygon"/> (the reference's corner order).</summary>
    static double[] Corners(double cx, double cy, double w, double h, double theta)
    {
        using var obb = Tensor.FromArray(new[] { (float)cx, (float)cy, (float)w, (float)h, (float)theta }, 1, 5);
        using var polygon = RotatedOps.ObbToPolygon(obb);
        return polygon.ToArray<float>().Select(v => (double)v).ToArray();
    }

    static void Fill(byte[] pixels, int size, double[] c, SyntheticObjectKind kind)
    {
        int x0 = (int)Math.Floor(new[] { c[0], c[2], c[4], c[6] }.Min()), x1 = (int)Math.Ceiling(new[] { c[0], c[2], c[4], c[6] }.Max());
        int y0 = (int)Math.Floor(new[] { c[1], c[3], c[5], c[7] }.Min()), y1 = (int)Math.Ceiling(new[] { c[1], c[3], c[5], c[7] }.Max());
        for (int y = Math.Max(0, y0); y <= Math.Min(size - 1, y1); y++)
            for (int x = Math.Max(0, x0); x <= Math.Min(size - 1, x1); x++)
            {
                if (!Inside(c, x + 0.5, y + 0.5)) continue;
                int i = y * size + x;
                pixels[i] = kind.R;
                pixels[size * size + i] = kind.G;
                pixels[2 * size * size + i] = kind.B;
            }
    }

    /// <summary>Inside a convex quadrilateral: on the same side of all four edges.</summary>
    static bool Inside(double[] c, double x, double y)
    {
        int sign = 0;
        for (int k = 0; k < 4; k++)
        {
            double ax = c[2 * k], ay = c[2 * k + 1], bx = c[(2 * k + 2) % 8], by = c[(2 * k + 3) % 8];
            double cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
            int s = Math.Sign(cross);
            if (s == 0) continue;
            if (sign == 0) sign = s;
            else if (s != sign) return false;
        }
        return true;
    }

    static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
}
