using GeoDense.Tasks.Detection.Dota;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>One detection in image pixel coordinates: class index (in the pipeline's class order), score, quadrilateral.</summary>
public sealed record Detection(int ClassId, double Score, Quad Polygon);

/// <summary>
/// The detections of one image gathered from its windows (already in image coordinates), merged by per-class
/// rotated NMS (<see cref="RotatedOps.BatchedNmsRotated"/>) on their oriented boxes. Boxes of quadrilaterals that
/// are not rectangles (Task1 files may hold any) are their minimum-area rectangles for the NMS, while the kept
/// detections keep their own quadrilateral. Memory is the image's detections, never its pixels.
/// </summary>
public sealed class ImageDetections
{
    readonly List<float> obbs = [];
    readonly List<float> scores = [];
    readonly List<long> labels = [];
    readonly List<Quad?> polygons = [];

    public int Count => scores.Count;

    /// <summary>Adds an oriented box (cx, cy, w, h, θ in OBBDetection's convention, image pixels).</summary>
    public void AddObb(int classId, float score, ReadOnlySpan<float> obb)
    {
        obbs.AddRange(obb[..5]);
        scores.Add(score);
        labels.Add(classId);
        polygons.Add(null);
    }

    /// <summary>Adds a quadrilateral (a Task1 line); its box for NMS is its minimum-area rectangle.</summary>
    public void AddPolygon(int classId, float score, Quad polygon)
    {
        obbs.AddRange([float.NaN, 0, 0, 0, 0]);
        scores.Add(score);
        labels.Add(classId);
        polygons.Add(polygon);
    }

    /// <summary>Adds <paramref name="other"/>'s detections after these (the order NMS breaks score ties by).</summary>
    public void Append(ImageDetections other)
    {
        obbs.AddRange(other.obbs);
        scores.AddRange(other.scores);
        labels.AddRange(other.labels);
        polygons.AddRange(other.polygons);
    }

    /// <summary>
    /// The unmerged detections, bit for bit (a worker shard's output: merging the parts read back gives what one process
    /// merging them in memory gives).
    /// </summary>
    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Count);
        for (int i = 0; i < Count; i++)
        {
            writer.Write(labels[i]);
            writer.Write(scores[i]);
            for (int k = 0; k < 5; k++) writer.Write(obbs[5 * i + k]);
            writer.Write(polygons[i] is not null);
            if (polygons[i] is { } polygon)
                foreach (var v in polygon.ToArray()) writer.Write(v);
        }
    }

    public static ImageDetections Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var result = new ImageDetections();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            result.labels.Add(reader.ReadInt64());
            result.scores.Add(reader.ReadSingle());
            for (int k = 0; k < 5; k++) result.obbs.Add(reader.ReadSingle());
            result.polygons.Add(reader.ReadBoolean() ? Quad.FromArray(Enumerable.Range(0, 8).Select(_ => reader.ReadDouble()).ToArray()) : null);
        }
        return result;
    }

    /// <summary>Per-class rotated NMS at <paramref name="iouThreshold"/>; the survivors by descending score.</summary>
    public IReadOnlyList<Detection> Merge(double iouThreshold)
    {
        int n = Count;
        if (n == 0) return [];
        using var scope = TorchRuntime.NewScope();
        var boxes = obbs.ToArray();
        var fromPolygons = Enumerable.Range(0, n).Where(i => polygons[i] is not null).ToArray();
        if (fromPolygons.Length > 0)
        {
            var quads = fromPolygons.SelectMany(i => polygons[i]!.Value.ToArray()).Select(v => (float)v).ToArray();
            var rectangles = RotatedOps.PolygonToObb(Tensor.FromArray(quads, fromPolygons.Length, 8)).ToArray<float>();
            for (int k = 0; k < fromPolygons.Length; k++) Array.Copy(rectangles, 5 * k, boxes, 5 * fromPolygons[k], 5);
        }
        var keep = RotatedOps.BatchedNmsRotated(Tensor.FromArray(boxes, n, 5), Tensor.FromArray(scores.ToArray(), n),
            Tensor.FromArray(labels.ToArray(), n), iouThreshold).ToArray<long>();
        var fromBoxes = keep.Where(i => polygons[(int)i] is null).ToArray();
        var corners = fromBoxes.Length == 0 ? [] : RotatedOps.ObbToPolygon(
            Tensor.FromArray(fromBoxes.SelectMany(i => boxes.AsSpan(5 * (int)i, 5).ToArray()).ToArray(), fromBoxes.Length, 5)).ToArray<float>();
        var result = new List<Detection>(keep.Length);
        int next = 0;
        foreach (var i in keep)
        {
            var polygon = polygons[(int)i] ?? Quad.FromArray(corners.AsSpan(8 * next++, 8).ToArray().Select(v => (double)v).ToArray());
            result.Add(new Detection((int)labels[(int)i], scores[(int)i], polygon));
        }
        return result.OrderByDescending(d => d.Score).ToList();
    }
}
