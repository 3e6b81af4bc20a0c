using System.Buffers;
using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>Files written for one pair of dates (null: not asked for by `output.formats`).</summary>
/// <param name="ChangeMap">binary change map (0 unchanged, 1 changed, 255 nodata), a COG when `cog` is asked</param>
/// <param name="Probabilities">change probability, float32, NaN nodata</param>
/// <param name="Polygons">change regions with their area, one file per requested vector format</param>
public sealed record ChangeMapOutputs(string ChangeMap, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview, string Summary,
    ChangeSummary Statistics, int Tiles, double Seconds);

/// <summary>
/// Change maps between two acquisition dates of any size. The after image is warped onto the before image's grid over
/// their intersection (<see cref="AlignedPair"/>, a lazy VRT); paired windows stream through the shared
/// <see cref="TiledRunner"/> (reader thread, model thread, stitching on the calling thread) and the streaming stitcher
/// blends the change probability into the outputs, so memory stays a few tiles high whatever the pair's size. A pixel
/// that is nodata in either date is nodata in every output.
/// </summary>
public sealed class ChangeMapPredictor(ChangePipeline pipeline, ChangeForward forward, Device device)
{
    /// <summary>A pair aligned and cut into windows, ready to run; holds the in-memory VRTs until disposed.</summary>
    public sealed class PreparedPair(ChangeMapPair pair, AlignedPair aligned, IReadOnlyList<GridWindow> windows) : IDisposable
    {
        public ChangeMapPair Pair { get; } = pair;
        public AlignedPair Aligned { get; } = aligned;
        public IReadOnlyList<GridWindow> Windows { get; } = windows;
        public void Dispose() => Aligned.Dispose();
    }

    int[] Bands => BandsOf(pipeline);
    static int[] BandsOf(ChangePipeline pipeline) => [.. pipeline.Input.Bands];

    /// <summary>
    /// Aligns every pair and lays out its windows, so a pair that does not overlap or lacks bands is reported before any
    /// model loads or any pair is processed. Dispose the pairs when done (they hold in-memory VRTs).
    /// </summary>
    public static IReadOnlyList<PreparedPair> PrepareAll(ChangePipeline pipeline, IReadOnlyList<ChangeMapPair> pairs)
    {
        var prepared = new List<PreparedPair>();
        try
        {
            foreach (var pair in pairs) prepared.Add(Prepare(pipeline, pair));
            return prepared;
        }
        catch
        {
            foreach (var pair in prepared) pair.Dispose();
            throw;
        }
    }

    /// <summary>Aligns one pair and lays out its windows.</summary>
    public static PreparedPair Prepare(ChangePipeline pipeline, ChangeMapPair pair)
    {
        var aligned = AlignedPair.Create(pair.Before, pair.After, ResamplingOf(pipeline.Resampling));
        try
        {
            using var before = aligned.OpenBefore();
            using (var after = aligned.OpenAfter())
            {
                CheckBands(pipeline, before, pair.Before);
                CheckBands(pipeline, after, pair.After);
            }
            var tiling = pipeline.Tiling;
            var windows = WindowGrid.Create(before, new GridOptions(tiling.Size, tiling.Stride, tiling.Scales, SkipNodata: true), BandsOf(pipeline));
            return new PreparedPair(pair, aligned, windows);
        }
        catch
        {
            aligned.Dispose();
            throw;
        }
    }

    /// <summary>Every pair (aligned first, all of them: see <see cref="PrepareAll"/>), with one progress over all of them.</summary>
    public IReadOnlyList<ChangeMapOutputs> PredictAll(IReadOnlyList<ChangeMapPair> pairs, string outputDir, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var prepared = PrepareAll(pipeline, pairs);
        try { return PredictAll(prepared, outputDir, progress, cancellationToken); }
        finally
        {
            foreach (var pair in prepared) pair.Dispose();
        }
    }

    /// <summary>
    /// Prepared pairs one after another, with one progress over all of them: windows done of all pairs' windows, at the
    /// rate since the first started.
    /// </summary>
    public IReadOnlyList<ChangeMapOutputs> PredictAll(IReadOnlyList<PreparedPair> prepared, string outputDir, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int total = prepared.Sum(p => p.Windows.Count), finished = 0;
        var clock = Stopwatch.StartNew();
        var results = new List<ChangeMapOutputs>();
        foreach (var pair in prepared)
        {
            int offset = finished;
            Action<InferenceProgress>? overall = progress is null ? null
                : p => progress(new InferenceProgress(p.Input, offset + p.Done, total, (offset + p.Done) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
            results.Add(Predict(pair, outputDir, overall, cancellationToken));
            finished += pair.Windows.Count;
        }
        return results;
    }

    public ChangeMapOutputs Predict(PreparedPair prepared, string outputDir, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(outputDir);
        var formats = DenseOutputs.Formats(pipeline.Output.Formats);
        var paths = OutputPaths(pipeline, outputDir, prepared.Pair.OutputStem);
        var (pair, aligned, windows) = (prepared.Pair, prepared.Aligned, prepared.Windows);
        var tiling = pipeline.Tiling;
        var clock = Stopwatch.StartNew();
        var counts = new ChangeCounts();
        RasterGrid grid;
        using (var before = aligned.OpenBefore())
        {
            grid = RasterGrid.Of(before);
            // one channel, the probability of change: the stitcher's class output is then probability >= 0.5
            var options = new StitcherOptions(1, DenseOutputs.Blend(tiling.Blend), ClassPath: paths.ChangeMap, ProbabilityPath: paths.Probabilities,
                ProbabilityEncoding: ProbabilityEncoding.Float32, Tiff: DenseOutputs.Tiff(formats), NodataBands: Bands,
                Overlap: tiling.Size - tiling.Stride, ClassSink: counts.Add, AlsoNodataIn: [aligned.After]);
            using var stitcher = StreamingStitcher.ForRaster(before, windows, options);
            if (windows.Count > 0) Run(prepared, stitcher, progress, cancellationToken);
            stitcher.Complete();
        }

        var polygons = new List<string>();
        string? preview = null;
        try
        {
            using var changeMap = Raster.Open(paths.ChangeMap);
            var regions = Polygonizer.Polygonize(changeMap, skipClasses: [0], classNames: pipeline.Model.Classes)
                .Select(f => f with { Area = f.Geometry.Area }).ToList();
            foreach (var ((format, _), path) in DenseOutputs.Vectors(formats).Zip(paths.Polygons))
            {
                VectorWriter.Write(path, regions, changeMap.SpatialReference, format, layerName: "changes");
                polygons.Add(path);
            }
            if (paths.Preview is not null)
            {
                using var after = aligned.OpenAfter();
                PngPreview.WriteChangeOverlay(after, changeMap, paths.Preview, Bands.Take(3).ToArray());
                preview = paths.Preview;
            }
            var summary = ChangeSummary.Of(pair, grid, counts, regions);
            summary.Write(paths.Summary);
            return new ChangeMapOutputs(paths.ChangeMap, paths.Probabilities, polygons, preview, paths.Summary, summary, windows.Count, clock.Elapsed.TotalSeconds);
        }
        catch
        {
            // a pair's outputs are all there or none is: a failed run must not pass for a finished one
            DenseOutputs.Delete([paths.ChangeMap, paths.Probabilities, preview, paths.Summary, .. polygons]);
            throw;
        }
    }

    /// <summary>The files <see cref="Predict"/> writes for the output stem <paramref name="stem"/>.</summary>
    public static (string ChangeMap, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview, string Summary) OutputPaths(
        ChangePipeline pipeline, string outputDir, string stem)
    {
        var formats = DenseOutputs.Formats(pipeline.Output.Formats);
        string File(string suffix) => Path.Combine(outputDir, $"{stem}_{suffix}");
        return (File("change.tif"),
            formats.Contains("probabilities") ? File("change_probability.tif") : null,
            DenseOutputs.Vectors(formats).Select(v => File($"change.{v.Extension}")).ToList(),
            formats.Contains("png") ? File("change_preview.png") : null,
            File("change_summary.json"));
    }

    /// <summary>Refuses a run whose outputs would replace one of its input images.</summary>
    public static void CheckOutputsSpareInputs(ChangePipeline pipeline, IReadOnlyList<ChangeMapPair> pairs, string outputDir)
    {
        var inputs = pairs.SelectMany(p => new[] { Path.GetFullPath(p.Before), Path.GetFullPath(p.After) }).ToHashSet(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var (map, probabilities, polygons, preview, summary) = OutputPaths(pipeline, Path.GetFullPath(outputDir), pair.OutputStem);
            foreach (var path in polygons.Append(map).Append(probabilities).Append(preview).Append(summary).OfType<string>().SelectMany(DenseOutputs.FilesOf))
                if (inputs.Contains(path))
                    throw new PipelineInputException($"{path}: is an input and would be overwritten by the change map of {pair.Before} and {pair.After}; choose another --output");
        }
    }

    static void CheckBands(ChangePipeline pipeline, Raster raster, string named)
    {
        var bands = pipeline.Input.Bands;
        if (bands.Any(b => b < 1 || b > raster.BandCount))
            throw new RasterInputException(named, $"{named}: has {raster.BandCount} band(s) but the pipeline reads bands {string.Join(",", bands)}");
    }

    static Resampling ResamplingOf(string name) => name switch
    {
        "nearest" => Resampling.Nearest,
        "cubic" => Resampling.Cubic,
        "cubicspline" => Resampling.CubicSpline,
        "lanczos" => Resampling.Lanczos,
        "average" => Resampling.Average,
        "mode" => Resampling.Mode,
        _ => Resampling.Bilinear,
    };

    void Run(PreparedPair prepared, StreamingStitcher stitcher, Action<InferenceProgress>? progress, CancellationToken cancellationToken)
    {
        var inference = new ChangeTileInference(forward, pipeline, device);
        var aligned = prepared.Aligned;
        var source = new PairedRasterWindows($"{Path.GetFileName(prepared.Pair.Before)} -> {Path.GetFileName(prepared.Pair.After)}",
            aligned.OpenBefore, aligned.OpenAfter, prepared.Windows, new TilerOptions(Bands, pipeline.Tiling.BatchSize));
        TiledRunner.Run(source,
            batch =>
            {
                // probability buffers are rented here and returned by the stitching side once blended
                var changed = ArrayPool<float>.Shared.Rent(batch.Before.Count * batch.Before.Height * batch.Before.Width);
                try { inference.ChangeProbabilityInto(batch, changed); }
                catch { ArrayPool<float>.Shared.Return(changed); throw; }
                return changed;
            },
            (batch, changed) =>
            {
                int plane = batch.Before.Height * batch.Before.Width;
                try
                {
                    for (int i = 0; i < batch.Before.Count; i++) stitcher.AddScores(batch.Windows[i], changed.AsSpan(i * plane, plane));
                }
                finally { ArrayPool<float>.Shared.Return(changed); }
            },
            progress, cancellationToken);
    }
}
