using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Worker.Api;
using GeoDense.Worker.Jobs;

namespace GeoDense.Worker.Tasks;

/// <summary>
/// Change jobs (`pairs[]`): one shard per pair. A shard runs <see cref="ChangeMapPredictor.Predict"/> into a private
/// folder and renames it to `.shards/{job}/pair-{n}` when every file of the pair is written, so a pair is done whole or
/// not at all; the assembly moves each pair's files into the output folder and writes the results page, as
/// `geodense change` does. Pairs are not cut into row bands: the stitcher's change counts, polygons and summary are
/// per pair, and one pair is the unit a retry repeats.
/// </summary>
public sealed class ChangeWorkerTask(RequestChecks checks, ModelCache models) : IWorkerTask
{
    public (JobSpec Spec, IReadOnlyList<ShardSpec> Shards) Plan(JobRequest request)
    {
        var paths = checks.Paths(request, pairs: true);
        var pipeline = PipelineFile.Load<ChangePipeline>(paths.Pipeline);
        RequestChecks.WeightsExist(paths, request);
        for (int i = 0; i < paths.Pairs.Count; i++)
        {
            var (before, after) = paths.Pairs[i];
            foreach (var (name, path) in new[] { ("before", before), ("after", after) })
                if (!File.Exists(path)) throw ApiProblem.BadRequest($"pairs[{i}].{name}: '{Path.GetRelativePath(checks.DataRoot, path)}' not found");
            if (before == after) throw ApiProblem.BadRequest($"pairs[{i}]: before and after are the same file");
        }
        var pairs = ChangeMapPairs.Name(paths.Pairs);
        ChangeMapPredictor.CheckOutputsSpareInputs(pipeline, pairs, paths.Output);
        var shards = new List<ShardSpec>();
        foreach (var pair in pairs)
        {
            // aligning checks that the dates overlap and have the bands, before anything is queued
            using var prepared = ChangeMapPredictor.Prepare(pipeline, pair);
            int height;
            using (var before = prepared.Aligned.OpenBefore()) height = before.Height;
            shards.Add(new ShardSpec(shards.Count, shards.Count, 0, height, prepared.Windows.Count));
        }
        var spec = new JobSpec("change", paths.Pipeline, paths.Weights, pairs.Select(p => new JobInput(p.Before, p.OutputStem, p.After)).ToList(), paths.Output);
        return (spec, shards);
    }

    static string PairFolder(string jobId, JobSpec spec, int pair) => Path.Combine(ShardFolder.Of(jobId, spec), $"pair-{pair:D5}");

    static ChangeMapPair PairOf(JobInput input) => new(input.Path, input.After!, input.Stem);

    public (bool Written, int Tiles) RunShard(string jobId, JobSpec spec, ShardSpec shard, Action<InferenceProgress> progress,
        CancellationToken cancellationToken)
    {
        var done = PairFolder(jobId, spec, shard.Input);
        if (Directory.Exists(done)) return (false, shard.Tiles);
        var pipeline = PipelineFile.Load<ChangePipeline>(spec.Pipeline);
        var partial = $"{done}.part-{Guid.NewGuid():N}";
        try
        {
            int tiles = models.Use(pipeline.Device, spec.Pipeline, spec.Weights, device => ChangeModels.Load(pipeline, spec.Pipeline, spec.Weights, device),
                session =>
                {
                    using var prepared = ChangeMapPredictor.Prepare(pipeline, PairOf(spec.Inputs[shard.Input]));
                    return new ChangeMapPredictor(pipeline, session.Model.Forward, session.Device).Predict(prepared, partial, progress, cancellationToken).Tiles;
                }, cancellationToken);
            Directory.Move(partial, done);
            return (true, tiles);
        }
        finally
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        }
    }

    public JobManifest Assemble(string jobId, JobSpec spec, IReadOnlyList<ShardSpec> shards, CancellationToken cancellationToken)
    {
        var pipeline = PipelineFile.Load<ChangePipeline>(spec.Pipeline);
        Directory.CreateDirectory(spec.Output);
        var runs = new List<(ChangeMapPair, ChangeMapOutputs)>();
        var outputs = new List<InputOutputs>();
        for (int i = 0; i < spec.Inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pair = PairOf(spec.Inputs[i]);
            // a rename per file: an assembly stopped half-way finds the moved files at their place and moves the rest
            var folder = PairFolder(jobId, spec, i);
            if (Directory.Exists(folder))
                foreach (var file in Directory.GetFiles(folder))
                    File.Move(file, Path.Combine(spec.Output, Path.GetFileName(file)), overwrite: true);
            var (map, probabilities, polygons, preview, summary) = ChangeMapPredictor.OutputPaths(pipeline, spec.Output, pair.OutputStem);
            var result = new ChangeMapOutputs(map, probabilities, polygons, preview, summary, ChangeSummary.Read(summary), shards[i].Tiles, 0);
            runs.Add((pair, result));
            outputs.Add(new InputOutputs($"{pair.Before} -> {pair.After}",
                [map, .. new[] { probabilities, preview }.OfType<string>(), .. polygons, summary]));
        }
        var page = ChangeReport.Write(pipeline, spec.Output, runs, $"{Path.GetFileName(spec.Pipeline)} · {Path.GetFileName(spec.Weights)} · worker job {jobId}");
        outputs.Add(new InputOutputs("(all pairs)", [page]));
        return JobManifests.Write(spec, new JobManifest(jobId, spec.Task, outputs));
    }

    public void CleanUp(string jobId, JobSpec spec) => ShardFolder.Remove(jobId, spec);
}
