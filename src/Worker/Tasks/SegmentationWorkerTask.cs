using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Worker.Api;
using GeoDense.Worker.Jobs;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Tasks;

/// <summary>
/// Segmentation jobs: each input is cut into row bands of <see cref="WorkerOptions.ShardRows"/> rows (one band for a
/// small input); a band shard writes `.shards/{job}/{stem}.rows-{start}-{end}.tif` under the output folder, and
/// the assembly copies the bands into the class COG and makes polygons and preview as `geodense segment` does.
/// </summary>
public sealed class SegmentationWorkerTask(IOptions<WorkerOptions> options, RequestChecks checks, ModelCache models)
    : IWorkerTask
{
    readonly WorkerOptions config = options.Value;

    public (JobSpec Spec, IReadOnlyList<ShardSpec> Shards) Plan(JobRequest request)
    {
        // every path is checked before any file is opened: a refused request reads nothing
        var paths = checks.Paths(request, pairs: false);
        var pipeline = PipelineFile.Load<SegmentationPipeline>(paths.Pipeline);
        if (pipeline.Output.Formats.Any(f => f.Equals("probabilities", StringComparison.OrdinalIgnoreCase)))
            throw ApiProblem.BadRequest($"{request.Pipeline}: output format 'probabilities' is not available in the worker yet; run `geodense segment` for it");
        RequestChecks.WeightsExist(paths, request);
        var items = checks.ExpandInputs(paths);
        var (pipelinePath, weights, output) = (paths.Pipeline, paths.Weights, paths.Output);
        SegmentationPredictor.CheckOutputsSpareInputs(pipeline, items, output);

        var shards = new List<ShardSpec>();
        var tiling = pipeline.Tiling;
        for (int i = 0; i < items.Count; i++)
        {
            int width, height;
            using (var raster = Raster.Open(items[i].Path))
            {
                (width, height) = (raster.Width, raster.Height);
                if (pipeline.Input.Bands.Any(b => b > raster.BandCount))
                    throw ApiProblem.BadRequest($"{items[i].Path}: has {raster.BandCount} band(s) but the pipeline reads bands {string.Join(",", pipeline.Input.Bands)}");
            }
            var grid = WindowGrid.Create(width, height, new GridOptions(tiling.Size, tiling.Stride, tiling.Scales));
            for (int start = 0; start < height; start += config.ShardRows)
            {
                int end = Math.Min(height, start + config.ShardRows);
                // a band runs whole batches of the one-process run (see SegmentationPredictor.PredictRows), halo included
                int tiles = Tiler.Group(grid, tiling.BatchSize).Where(g => g.Any(w => w.Source.Bottom > start && w.Source.Y < end)).Sum(g => g.Count);
                shards.Add(new ShardSpec(shards.Count, i, start, end, tiles));
            }
        }
        var spec = new JobSpec("segmentation", pipelinePath, weights, items.Select(item => new JobInput(item.Path, item.OutputStem)).ToList(), output);
        return (spec, shards);
    }

    static string ShardPath(string jobId, JobSpec spec, ShardSpec shard) =>
        Path.Combine(ShardFolder.Of(jobId, spec), $"{spec.Inputs[shard.Input].Stem}.rows-{shard.RowStart:D7}-{shard.RowEnd:D7}.tif");

    public (bool Written, int Tiles) RunShard(string jobId, JobSpec spec, ShardSpec shard, Action<InferenceProgress> progress,
        CancellationToken cancellationToken)
    {
        var path = ShardPath(jobId, spec, shard);
        if (File.Exists(path)) return (false, shard.Tiles);
        var pipeline = PipelineFile.Load<SegmentationPipeline>(spec.Pipeline);
        int tiles = models.Use(pipeline.Device, spec.Pipeline, spec.Weights, device => SegmentationModels.Load(pipeline, spec.Pipeline, spec.Weights, device),
            session => new SegmentationPredictor(pipeline, session).PredictRows(spec.Inputs[shard.Input].Path, shard.RowStart, shard.RowEnd, path, progress,
                cancellationToken), cancellationToken);
        return (true, tiles);
    }

    public JobManifest Assemble(string jobId, JobSpec spec, IReadOnlyList<ShardSpec> shards, CancellationToken cancellationToken)
    {
        var pipeline = PipelineFile.Load<SegmentationPipeline>(spec.Pipeline);
        var outputs = new List<InputOutputs>();
        for (int i = 0; i < spec.Inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bands = shards.Where(s => s.Input == i).Select(s => new RowBandFile(s.RowStart, s.RowEnd, ShardPath(jobId, spec, s))).ToList();
            var written = SegmentationPredictor.AssembleRowBands(pipeline, spec.Inputs[i].Path, bands, spec.Output, spec.Inputs[i].Stem);
            outputs.Add(new InputOutputs(spec.Inputs[i].Path, [written.Classes, .. written.Polygons, .. written.Preview is null ? [] : new[] { written.Preview }]));
        }
        return JobManifests.Write(spec, new JobManifest(jobId, spec.Task, outputs));
    }

    public void CleanUp(string jobId, JobSpec spec) => ShardFolder.Remove(jobId, spec);
}
