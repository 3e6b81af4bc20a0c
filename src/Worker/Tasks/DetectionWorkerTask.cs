using GeoDense.Geo;
using GeoDense.IO;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Worker.Api;
using GeoDense.Worker.Jobs;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Tasks;

/// <summary>
/// Detection jobs: each input's DOTA windows are cut into shards of at most <see cref="WorkerOptions.ShardWindows"/>
/// windows, in whole batches of the one-process run (a small input is one shard). A shard runs its windows and writes
/// their boxes, mapped back to image pixels but not yet merged, to `.shards/{job}/{stem}.windows-{start}-{end}.det`.
/// The assembly appends an input's parts in window order, merges them by per-class rotated NMS, and finishes as
/// `geodense detect` does (<see cref="DotaDetector.WriteOutputs"/>, <see cref="DetectionRun.Finish"/>): polygons,
/// previews, Task1 files, the DOTA zip when asked, and the results page.
/// </summary>
public sealed class DetectionWorkerTask(IOptions<WorkerOptions> options, RequestChecks checks, ModelCache models) : IWorkerTask
{
    readonly WorkerOptions config = options.Value;

    public (JobSpec Spec, IReadOnlyList<ShardSpec> Shards) Plan(JobRequest request)
    {
        var paths = checks.Paths(request, pairs: false);
        var pipeline = PipelineFile.Load<DetectionPipeline>(paths.Pipeline);
        RequestChecks.WeightsExist(paths, request);
        var items = checks.ExpandInputs(paths);
        if (paths.Submission is { } zip && items.Any(i => Path.GetFullPath(i.Path) == zip))
            throw ApiProblem.BadRequest($"dotaSubmission: '{request.DotaSubmission}' is an input; choose another path");

        var shards = new List<ShardSpec>();
        for (int i = 0; i < items.Count; i++)
        {
            var windows = DotaDetector.Windows(pipeline, items[i].Path);
            int height;
            using (var raster = Raster.Open(items[i].Path)) height = raster.Height;
            foreach (var (start, end) in WindowRuns(windows, pipeline.Tiling.BatchSize, config.ShardWindows))
                shards.Add(new ShardSpec(shards.Count, i, 0, height, end - start, start, end));
        }
        var spec = new JobSpec("detection", paths.Pipeline, paths.Weights, items.Select(item => new JobInput(item.Path, item.OutputStem)).ToList(),
            paths.Output, paths.Submission);
        return (spec, shards);
    }

    /// <summary>
    /// [start, end) runs of at most <paramref name="perShard"/> windows that cut only between the one-process run's
    /// batches (a batch larger than the limit is a run of its own); no windows is one empty run, so the input still
    /// gets its outputs.
    /// </summary>
    public static IReadOnlyList<(int Start, int End)> WindowRuns(IReadOnlyList<GridWindow> windows, int batchSize, int perShard)
    {
        var runs = new List<(int, int)>();
        int start = 0, end = 0;
        foreach (var batch in Tiler.Group(windows, batchSize))
        {
            if (end > start && end - start + batch.Count > perShard)
            {
                runs.Add((start, end));
                start = end;
            }
            end += batch.Count;
        }
        if (end > start || runs.Count == 0) runs.Add((start, end));
        return runs;
    }

    static string ShardPath(string jobId, JobSpec spec, ShardSpec shard) =>
        Path.Combine(ShardFolder.Of(jobId, spec), $"{spec.Inputs[shard.Input].Stem}.windows-{shard.WindowStart:D7}-{shard.WindowEnd:D7}.det");

    public (bool Written, int Tiles) RunShard(string jobId, JobSpec spec, ShardSpec shard, Action<InferenceProgress> progress,
        CancellationToken cancellationToken)
    {
        var path = ShardPath(jobId, spec, shard);
        if (File.Exists(path)) return (false, shard.Tiles);
        var pipeline = PipelineFile.Load<DetectionPipeline>(spec.Pipeline);
        var input = spec.Inputs[shard.Input].Path;
        var windows = DotaDetector.Windows(pipeline, input).Skip(shard.WindowStart!.Value).Take(shard.WindowEnd!.Value - shard.WindowStart.Value).ToList();
        var detections = models.Use(pipeline.Device, spec.Pipeline, spec.Weights, device => DetectionModels.LoadDetector(pipeline, spec.Pipeline, spec.Weights, device),
            model => new DotaDetector(pipeline, model.Detect, model.Device).DetectWindows(input, windows, progress, cancellationToken), cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, detections.Write);
        return (true, windows.Count);
    }

    public JobManifest Assemble(string jobId, JobSpec spec, IReadOnlyList<ShardSpec> shards, CancellationToken cancellationToken)
    {
        var pipeline = PipelineFile.Load<DetectionPipeline>(spec.Pipeline);
        Directory.CreateDirectory(spec.Output);
        var results = new List<DetectOutputs>();
        var outputs = new List<InputOutputs>();
        for (int i = 0; i < spec.Inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var merged = new ImageDetections();
            var parts = shards.Where(s => s.Input == i).OrderBy(s => s.WindowStart).ToList();
            foreach (var part in parts)
            {
                using var stream = File.OpenRead(ShardPath(jobId, spec, part));
                merged.Append(ImageDetections.Read(stream));
            }
            var input = spec.Inputs[i];
            var result = DotaDetector.WriteOutputs(pipeline, input.Path, spec.Output, input.Stem, merged.Merge(pipeline.Model.MergeNmsIou),
                parts.Sum(p => p.Tiles), 0);
            results.Add(result);
            outputs.Add(new InputOutputs(input.Path, [.. result.Polygons, result.Preview]));
        }
        var run = DetectionRun.Finish(pipeline, spec.Output, results, spec.Submission,
            $"{Path.GetFileName(spec.Pipeline)} · {Path.GetFileName(spec.Weights)} · worker job {jobId}");
        var files = new List<string>([.. run.Task1Files, run.Page]);
        if (run.Submission is { } zip) files.Add(zip);
        outputs.Add(new InputOutputs("(all inputs)", files));
        return JobManifests.Write(spec, new JobManifest(jobId, spec.Task, outputs));
    }

    public void CleanUp(string jobId, JobSpec spec) => ShardFolder.Remove(jobId, spec);
}
