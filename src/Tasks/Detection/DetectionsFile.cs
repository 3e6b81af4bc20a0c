using System.Text.Json;
using GeoDense.IO;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Detection;

/// <summary>
/// `{stem}_detections.json`: one input's merged detections in image pixels (class, score, the four corners) and the
/// files written for it. The Task1 files and the DOTA zip of a run are built from these, so a resumed run (or a
/// worker merging its shards) reads back exactly the detections an uninterrupted run held in memory: the numbers are
/// written in their shortest round-trip form and keep their order, and the submission comes out byte for byte the same.
/// </summary>
public static class DetectionsFile
{
    public static string PathOf(string outputDir, string stem) => Path.Combine(outputDir, $"{stem}_detections.json");

    /// <summary>No timing: the file of a resumed run is byte for byte that of an uninterrupted one, like every other output.</summary>
    sealed record Stored(string Input, string ImageName, int Windows, IReadOnlyList<string> Polygons, string Preview,
        IReadOnlyList<StoredDetection> Detections);

    sealed record StoredDetection(string Class, int ClassId, double Score, double[] Polygon);

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // a score a broken model made NaN is kept as it was rather than failing the run at its end
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="outputs"/> (whose files are in <paramref name="outputDir"/>) atomically; returns the path.</summary>
    public static string Write(string outputDir, DetectOutputs outputs, IReadOnlyList<string> classes)
    {
        var path = PathOf(outputDir, outputs.ImageName);
        var stored = new Stored(outputs.Input, outputs.ImageName, outputs.Windows,
            outputs.Polygons.Select(p => Path.GetRelativePath(outputDir, p)).ToList(), Path.GetRelativePath(outputDir, outputs.Preview),
            outputs.Detections.Select(d => new StoredDetection(classes[d.ClassId], d.ClassId, d.Score, d.Polygon.ToArray())).ToList());
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(stored, Json));
        return path;
    }

    /// <summary>The outputs <see cref="Write"/> recorded, with paths under <paramref name="outputDir"/>.</summary>
    public static DetectOutputs Read(string path, string outputDir)
    {
        Stored? stored;
        try { stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw Unreadable(path, e.Message); }
        if (stored?.Detections is null || stored.Polygons is null || stored.Preview is null) throw Unreadable(path, "fields are missing");
        return new DetectOutputs(stored.Input, stored.ImageName,
            stored.Detections.Select(d => new Detection(d.ClassId, d.Score, Quad.FromArray(d.Polygon))).ToList(),
            stored.Polygons.Select(p => Path.Combine(outputDir, p)).ToList(), Path.Combine(outputDir, stored.Preview), stored.Windows, Seconds: 0);
    }

    static PipelineInputException Unreadable(string path, string why) =>
        new($"{path}: not a detections file of geodense detect ({why}); delete it to detect that input again");
}
