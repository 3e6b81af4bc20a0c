using System.Diagnostics;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GeoDense.Tasks.Tests.ChangeDetection;

/// <summary>What the change-map tests share: a pipeline, a hand-written change model, and reading polygons back with OGR.</summary>
static class ChangeMaps
{
    public static ChangePipeline Pipeline(string formats = "[cog, probabilities, geojson, gpkg, png]", string extra = "") => PipelineFile.Parse<ChangePipeline>($$"""
        task: change
        model: { backbone: lemevit-nano, head: bit }
        tiling: { size: 128, stride: 96, batch_size: 4, blend: cosine }
        output: { formats: {{formats}} }
        device: cpu
        {{extra}}
        """);

    /// <summary>
    /// A deterministic change model: a pixel has changed when its bands differ by more than 40 on average between the
    /// dates (raw values: the change pipeline's mean is 0 and std 1). Logits [B, 2, h, w], class 1 = changed.
    /// </summary>
    public static Tensor Differencing(Tensor before, Tensor after)
    {
        var changed = ((after - before).Abs().Mean(1, keepDim: true) - 40.0) * 0.25;
        return Tensor.Cat([Tensor.ZerosLike(changed), changed], 1);
    }

    /// <summary>The polygons of a vector file with their attributes, read by GDAL's own ogr2ogr (an independent reader).</summary>
    public static List<(Geometry Geometry, Dictionary<string, string> Attributes)> ReadPolygons(string path)
    {
        var csv = Run("ogr2ogr", "-f", "CSV", "/vsistdout/", path, "-lco", "GEOMETRY=AS_WKT");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        var reader = new WKTReader();
        var result = new List<(Geometry, Dictionary<string, string>)>();
        foreach (var line in lines.Skip(1))
        {
            // the WKT comes first, quoted (it holds commas); the attributes follow
            int end = line.IndexOf('"', 1);
            var attributes = line[(end + 2)..].Split(',');
            result.Add((reader.Read(line[1..end]), header.Skip(1).Zip(attributes).ToDictionary(h => h.First, h => h.Second)));
        }
        return result;
    }

    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {stderr}");
        return stdout.Result;
    }
}
