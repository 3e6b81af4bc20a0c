using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Worker.Tests;

[CollectionDefinition("worker", DisableParallelization = true)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFiles>;

/// <summary>
/// A data root with a 400x700 georeferenced scene (3 row-band shards of 256 rows with the demo pipeline's 256/192
/// tiling), randomly initialised weights for the demo model, and the reference: `geodense segment` run once in a
/// child process, whose outputs every worker run must equal.
/// </summary>
public sealed class WorkerFiles : IDisposable
{
    public static readonly string RepoRoot = FindRepoRoot();
    public const string ApiKey = "test-key-7f3a9c";
    public const int ShardRows = 256;

    public string Root { get; } = Directory.CreateTempSubdirectory("geodense-worker-").FullName;
    public string Pipeline => Path.Combine(RepoRoot, "pipelines", "demo-segmentation.yaml");
    public string Scene => Path.Combine(Root, "scenes", "scene.tif");
    public string Weights => Path.Combine(Root, "weights.safetensors");
    public string Reference => Path.Combine(Root, "reference");

    public WorkerFiles()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Scene)!);
        SyntheticScene.Write(Scene, new SyntheticSceneOptions(400, 700, 3, Epsg: 32633));
        using (var model = SegmentationModels.Create(PipelineFile.Load<SegmentationPipeline>(Pipeline)))
            TensorCheckpoints.SaveSafetensors(Weights, model.StateDict());
        var (code, _, err) = RunGeodense("segment", "--pipeline", Pipeline, "--weights", Weights, "--input", Scene, "--output", Reference, "--threads", "1");
        if (code != 0) throw new InvalidOperationException($"reference run failed ({code}): {err}");
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GeoDense.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (GeoDense.sln) not found above " + AppContext.BaseDirectory);
    }

    public static ProcessStartInfo Geodense(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "geodense.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    public static (int Code, string Out, string Err) RunGeodense(params string[] args)
    {
        using var process = Process.Start(Geodense(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Asserts <paramref name="outputDir"/> holds the reference's class map (pixel for pixel, same grid) and polygons.</summary>
    public void AssertEqualsReference(string outputDir)
    {
        using var expected = Raster.Open(Path.Combine(Reference, "scene_classes.tif"));
        using var actual = Raster.Open(Path.Combine(outputDir, "scene_classes.tif"));
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        Assert.Equal(expected.GeoTransform, actual.GeoTransform);
        Assert.Equal(expected.SpatialReference!.Epsg, actual.SpatialReference!.Epsg);
        var window = new PixelWindow(0, 0, expected.Width, expected.Height);
        var a = expected.Read<byte>(window, [1]);
        var b = actual.Read<byte>(window, [1]);
        int differing = a.Zip(b).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"{differing} of {a.Length} pixels differ from the one-process run");
        Assert.Equal(File.ReadAllText(Path.Combine(Reference, "scene_classes.geojson")), File.ReadAllText(Path.Combine(outputDir, "scene_classes.geojson")));
        Assert.True(File.Exists(Path.Combine(outputDir, "scene_preview.png")));
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
