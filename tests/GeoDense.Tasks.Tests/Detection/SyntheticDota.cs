using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Torch;
using GeoDense.Tasks.Detection;

namespace GeoDense.Tasks.Tests.Detection;

/// <summary>
/// Test scenes: grey images with axis-aligned objects painted in a class colour (red = class 0, green = class 1), and a
/// hand-written detector that finds them again: per window and class, the bounding box of the pixels of that colour.
/// It is exact, so every difference in a test's output is the pipeline's doing.
/// </summary>
static class SyntheticDota
{
    public static readonly string[] Classes = ["red-thing", "green-thing"];

    public sealed record Thing(int ClassId, int X, int Y, int Width, int Height)
    {
        public Quad Polygon => new(X, Y, X + Width, Y, X + Width, Y + Height, X, Y + Height);
    }

    /// <summary>RGB planes: grey 100, things at 250 in their channel and 20 in the others.</summary>
    public static byte[] Paint(int width, int height, IEnumerable<Thing> things)
    {
        int plane = width * height;
        var rgb = new byte[3 * plane];
        Array.Fill(rgb, (byte)100);
        foreach (var t in things)
            for (int y = t.Y; y < t.Y + t.Height; y++)
                for (int x = t.X; x < t.X + t.Width; x++)
                    for (int c = 0; c < 3; c++) rgb[c * plane + y * width + x] = (byte)(c == t.ClassId ? 250 : 20);
        return rgb;
    }

    public static void WritePng(string path, int width, int height, IEnumerable<Thing> things) =>
        PngFile.WriteRgb(path, Paint(width, height, things), width, height);

    public static void WriteGeoTiff(string path, int width, int height, IEnumerable<Thing> things, GeoTransform transform, int epsg)
    {
        using var writer = RasterWriter.Create(path, new RasterSpec(width, height, 3, RasterDataType.Byte, transform, SpatialReference.FromEpsg(epsg)));
        writer.Write(PixelWindow.Full(width, height), [1, 2, 3], Paint(width, height, things).AsSpan());
        writer.Commit();
    }

    /// <summary>
    /// The hand-written detector: normalised windows in (default DOTA mean/std), one box per connected blob of a
    /// class colour (high in its own channel, low in the others) that lies wholly inside the window — a blob cut by
    /// the window's edge is left to the window that sees it whole. Class 0 scores 0.75, class 1 0.5 (exact in float).
    /// </summary>
    public static IReadOnlyList<WindowDetections> Detect(Tensor images)
    {
        var shape = images.Shape;
        int n = (int)shape[0], h = (int)shape[2], w = (int)shape[3], plane = h * w;
        var v = images.Contiguous().ToArray<float>();
        float[] mean = [123.675f, 116.28f, 103.53f], std = [58.395f, 57.12f, 57.375f];
        var result = new List<WindowDetections>();
        for (int k = 0; k < n; k++)
        {
            var boxes = new List<float>();
            var scores = new List<float>();
            var labels = new List<long>();
            for (int cls = 0; cls < 2; cls++)
            {
                var on = new bool[plane];
                for (int p = 0; p < plane; p++)
                {
                    bool hit = true;
                    for (int c = 0; c < 3; c++)
                    {
                        float raw = v[(k * 3 + c) * plane + p] * std[c] + mean[c];
                        hit &= c == cls ? raw > 200 : raw < 60;
                    }
                    on[p] = hit;
                }
                foreach (var (x0, y0, x1, y1) in Blobs(on, w, h))
                {
                    if (x0 == 0 || y0 == 0 || x1 == w - 1 || y1 == h - 1) continue;
                    float bw = x1 - x0 + 1, bh = y1 - y0 + 1;
                    // OBBDetection's convention: w the long side, θ in [-π/2, π/2)
                    boxes.AddRange(bw >= bh ? [x0 + bw / 2, y0 + bh / 2, bw, bh, 0f] : [x0 + bw / 2, y0 + bh / 2, bh, bw, -MathF.PI / 2]);
                    scores.Add(cls == 0 ? 0.75f : 0.5f);
                    labels.Add(cls);
                }
            }
            result.Add(new WindowDetections(Tensor.FromArray(boxes.ToArray(), labels.Count, 5), Tensor.FromArray(scores.ToArray(), labels.Count),
                Tensor.FromArray(labels.ToArray(), labels.Count)));
        }
        return result;
    }

    /// <summary>Bounding boxes of 4-connected components, in scan order.</summary>
    static IEnumerable<(int X0, int Y0, int X1, int Y1)> Blobs(bool[] on, int w, int h)
    {
        var seen = new bool[on.Length];
        var stack = new Stack<int>();
        for (int start = 0; start < on.Length; start++)
        {
            if (!on[start] || seen[start]) continue;
            int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop(), x = p % w, y = p / w;
                x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y);
                foreach (var q in new[] { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 })
                    if (q >= 0 && on[q] && !seen[q]) { seen[q] = true; stack.Push(q); }
            }
            yield return (x0, y0, x1, y1);
        }
    }
}
