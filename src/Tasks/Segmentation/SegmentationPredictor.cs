using System.Buffers;
using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.Segmentation;

/// <summary>Files written for one input mosaic.</summary>
/// <param name="Polygons">One file per requested vector format (GeoJSON, GeoPackage, Shapefile), in that order.</param>
/// <param name="ResumedBlockRows">rows of output blocks (GeoTIFF tiles) a killed earlier run had finished and this one kept</param>
public sealed record PredictOutputs(string Classes, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview, int Tiles, double Seconds,
    int ResumedBlockRows = 0);

/// <summary>
/// Segments mosaics of any size: the Geo tiler reads window batches ahead on its own thread, the model runs
/// batched in inference mode on a dedicated thread, and the streaming stitcher blends softmax scores into the
/// class COG (and optional probability GeoTIFF) on the calling thread, so read, inference and write overlap and
/// memory stays a few tiles' worth whatever the mosaic's width and height. Nodata stays nodata; georeference is the input's.
/// </summary>
public sealed partial class SegmentationPredictor(SegmentationPipeline pipeline, SegmentationModel model, Device device, InputProfile? trainedOn = null,
    Precision precision = Precision.Fp32)
{
    /// <summary>Runs the session's model in the precision the session readied it for.</summary>
    public SegmentationPredictor(SegmentationPipeline pipeline, InferenceSession<SegmentationModel> session)
        : this(pipeline, session.Model, session.Device, session.TrainedOn, session.Precision) { }

    /// <param name="name">output file stem (default: the input's file name); see <see cref="InputList"/> for unique stems</param>
    /// <param name="resume">
    /// makes the raster outputs resumable: a killed run's finished rows of blocks are kept (when its unfinished files are
    /// still readable) and only the batches touching the rest are run again, so the outputs equal an uninterrupted run's
    /// </param>
    public PredictOutputs Predict(string input, string outputDir, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default, string? name = null, StitchResume? resume = null)
    {
        name ??= Path.GetFileNameWithoutExtension(input);
        Directory.CreateDirectory(outputDir);
        var formats = Formats;
        var (classes, probabilities, _, _) = OutputPaths(pipeline, outputDir, name);
        int[] bands = pipeline.Input.Bands.ToArray();
        var tiling = pipeline.Tiling;
        var clock = Stopwatch.StartNew();

        int tiles, resumed = 0;
        using (var source = Raster.Open(input))
        {
            CheckBands(source);
            var windows = WindowGrid.Create(source, new GridOptions(tiling.Size, tiling.Stride, tiling.Scales, SkipNodata: true), bands);
            var tiff = DenseOutputs.Tiff(formats);
            var options = new StitcherOptions(model.NumClasses, DenseOutputs.Blend(tiling.Blend), ClassPath: classes, ProbabilityPath: probabilities,
                ProbabilityEncoding: ProbabilityEncoding.ScaledByte, Tiff: tiff, NodataBands: bands,
                Overlap: tiling.Size - tiling.Stride, Resume: resume);
            if (resume is { FinishedBlockRows: > 0 } && StreamingStitcher.CanResume(RasterGrid.Of(source), options)) resumed = resume.FinishedBlockRows;
            else if (resume is not null) options = options with { Resume = resume with { FinishedBlockRows = 0 } };
            var (groups, selected) = BatchesTouching(windows, tiling.BatchSize,
                new PixelWindow(0, resumed * tiff.BlockSize, source.Width, Math.Max(0, source.Height - resumed * tiff.BlockSize)));
            tiles = selected.Count;
            using var stitcher = StreamingStitcher.ForRaster(source, selected, options);
            if (tiles > 0) Run(new RasterWindowGroups(input, groups, new TilerOptions(bands, tiling.BatchSize)), stitcher, progress, cancellationToken);
            stitcher.Complete();
        }

        // what inference (including the tensor blocks the shim keeps for reuse) and the COG conversion freed goes back
        // before polygonising needs its own
        TorchRuntime.ReleaseCachedCpuMemory();
        MemoryRelief.ReturnFreed();
        var (polygons, preview) = WriteDerivedOutputs(pipeline, model.NumClasses, classes, probabilities, outputDir, name, cancellationToken);
        return new PredictOutputs(classes, probabilities, polygons, preview, tiles, clock.Elapsed.TotalSeconds, resumed);
    }

    /// <summary>
    /// Polygons and the PNG preview, made from a finished class raster (one run, or the worker's assembly of row-band
    /// shards: both go through here, so they cannot differ). On failure every output of the input is deleted.
    /// </summary>
    public static (List<string> Polygons, string? Preview) WriteDerivedOutputs(SegmentationPipeline pipeline, int numClasses,
        string classes, string? probabilities, string outputDir, string name, CancellationToken cancellationToken = default)
    {
        var (_, _, vectorPaths, previewPath) = OutputPaths(pipeline, outputDir, name);
        var polygons = new List<string>();
        string? preview = null;
        try
        {
            using var classRaster = Raster.Open(classes);
            var names = pipeline.Model.Classes.Take(numClasses).ToList();
            var vectors = DenseOutputs.Vectors(FormatsOf(pipeline)).ToList();
            if (vectors.Count > 0)
            {
                // polygonised once, written in every requested format, streamed: a mosaic's polygons need not fit in memory
                var outputs = vectors.Zip(vectorPaths, (v, path) => (path, v.Format)).ToList();
                polygons.AddRange(outputs.Select(o => o.path));
                Polygonizer.PolygonizeTo(classRaster, outputs, layerName: "classes", classNames: names, cancellationToken: cancellationToken);
                // what the tracer held (the largest polygon's rings) goes back before the preview
                MemoryRelief.ReturnFreed();
            }
            if (previewPath is not null)
            {
                preview = previewPath;
                PngPreview.WriteClassMap(classRaster, preview, names);
            }
        }
        catch
        {
            // an input's outputs are all there or none is: a failed run must not pass for a finished one
            DenseOutputs.Delete([classes, probabilities, .. polygons]);
            throw;
        }
        return (polygons, preview);
    }

    HashSet<string> Formats => FormatsOf(pipeline);
    static HashSet<string> FormatsOf(SegmentationPipeline pipeline) => DenseOutputs.Formats(pipeline.Output.Formats);

    /// <summary>The files <see cref="Predict"/> writes for the output stem <paramref name="name"/>.</summary>
    public static (string Classes, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview) OutputPaths(
        SegmentationPipeline pipeline, string outputDir, string name)
    {
        var formats = FormatsOf(pipeline);
        return (Path.Combine(outputDir, $"{name}_classes.tif"),
            formats.Contains("probabilities") ? Path.Combine(outputDir, $"{name}_probabilities.tif") : null,
            DenseOutputs.Vectors(formats).Select(v => Path.Combine(outputDir, $"{name}_classes.{v.Extension}")).ToList(),
            formats.Contains("png") ? Path.Combine(outputDir, $"{name}_preview.png") : null);
    }

    /// <summary>
    /// Refuses a run whose outputs would replace one of its inputs (`scene.tif` and `scene_classes.tif` segmented
    /// into their own folder): an input is the one file a user may have no other copy of.
    /// </summary>
    public static void CheckOutputsSpareInputs(SegmentationPipeline pipeline, IReadOnlyList<InputItem> inputs, string outputDir)
    {
        var inputPaths = inputs.Select(i => Path.GetFullPath(i.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var item in inputs)
        {
            var (classes, probabilities, polygons, preview) = OutputPaths(pipeline, Path.GetFullPath(outputDir), item.OutputStem);
            var written = polygons.Append(classes).Append(probabilities).Append(preview).OfType<string>().SelectMany(DenseOutputs.FilesOf);
            foreach (var path in written)
                if (inputPaths.Contains(path))
                    throw new PipelineInputException($"{path}: is an input and would be overwritten by the outputs of {item.Path}; choose another --output");
        }
    }

    /// <summary>
    /// Opens <paramref name="input"/> and checks it has the bands the pipeline reads, so a command given many mosaics
    /// can reject a bad one before segmenting any.
    /// </summary>
    /// <returns>warnings: values unlike what the weights were trained on (a missing georeference goes to <see cref="GeoDiagnostics"/>)</returns>
    public IReadOnlyList<string> CheckInput(string input)
    {
        using var source = Raster.Open(input);
        CheckBands(source);
        // a file cut short loses its last block first: found here, before any other mosaic is segmented
        source.CheckLastBlockReadable();
        var warnings = new List<string>();
        source.WarnIfNotGeoreferenced();
        if (trainedOn is not null) warnings.AddRange(trainedOn.Compare(source, [.. pipeline.Input.Bands]));
        return warnings;
    }

    void CheckBands(Raster source)
    {
        var bands = pipeline.Input.Bands;
        if (bands.Any(b => b < 1 || b > source.BandCount))
            throw new SegmentationInputException($"{source.Path}: has {source.BandCount} band(s) but the pipeline reads bands {string.Join(",", bands)}");
    }

    void Run(IWindowSource<TileBatch> source, StreamingStitcher stitcher, Action<InferenceProgress>? progress, CancellationToken cancellationToken)
    {
        var inference = new TileInference(model, pipeline.Input.Mean.ToArray(), pipeline.Input.Std.ToArray(), device, precision);
        int per = model.NumClasses;
        TiledRunner.Run(source,
            batch =>
            {
                // score buffers are rented here and returned by the stitching side once blended
                var scores = ArrayPool<float>.Shared.Rent(batch.Count * per * batch.Height * batch.Width);
                inference.SoftmaxInto(batch.Data, batch.Count, batch.Channels, batch.Height, batch.Width, scores);
                return scores;
            },
            (batch, scores) =>
            {
                int plane = batch.Height * batch.Width;
                for (int i = 0; i < batch.Count; i++) stitcher.AddScores(batch.Windows[i], scores.AsSpan(i * per * plane, per * plane));
                ArrayPool<float>.Shared.Return(scores);
            },
            progress, cancellationToken);
    }
}
