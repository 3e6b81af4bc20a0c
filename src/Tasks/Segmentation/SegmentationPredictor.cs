using System.Buffers;
using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.Segmentation;

/// <summary>Files written for one input mosaic.</summary>
/// <param name="Polygons">One file per requested vector format (GeoJSON, GeoPackage, Shapefile), in that order.</param>
public sealed record PredictOutputs(string Classes, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview, int Tiles, double Seconds);

/// <summary>
/// Segments mosaics of any size: the Geo tiler reads window batches ahead on its own thread, the model runs
/// batched in inference mode on a dedicated thread, and the streaming stitcher blends softmax scores into the
/// class COG (and optional probability GeoTIFF) on the calling thread, so read, inference and write overlap and
/// memory stays one tile-band high. Nodata stays nodata; georeference is the input's.
/// </summary>
public sealed class SegmentationPredictor(SegmentationPipeline pipeline, SegmentationModel model, Device device, InputProfile? trainedOn = null,
    Precision precision = Precision.Fp32)
{
    /// <summary>Runs the session's model in the precision the session readied it for.</summary>
    public SegmentationPredictor(SegmentationPipeline pipeline, InferenceSession<SegmentationModel> session)
        : this(pipeline, session.Model, session.Device, session.TrainedOn, session.Precision) { }

    /// <param name="name">output file stem (default: the input's file name); see <see cref="InputList"/> for unique stems</param>
    public PredictOutputs Predict(string input, string outputDir, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default, string? name = null)
    {
        name ??= Path.GetFileNameWithoutExtension(input);
        Directory.CreateDirectory(outputDir);
        var formats = Formats;
        var (classes, probabilities, vectorPaths, previewPath) = OutputPaths(pipeline, outputDir, name);
        int[] bands = pipeline.Input.Bands.ToArray();
        var tiling = pipeline.Tiling;
        var clock = Stopwatch.StartNew();

        int tiles;
        using (var source = Raster.Open(input))
        {
            CheckBands(source);
            var windows = WindowGrid.Create(source, new GridOptions(tiling.Size, tiling.Stride, tiling.Scales, SkipNodata: true), bands);
            tiles = windows.Count;
            var options = new StitcherOptions(model.NumClasses, BlendOf(tiling.Blend), ClassPath: classes, ProbabilityPath: probabilities,
                ProbabilityEncoding: ProbabilityEncoding.ScaledByte, Tiff: formats.Contains("cog") ? CogTiff : PlainTiff, NodataBands: bands,
                Overlap: tiling.Size - tiling.Stride);
            using var stitcher = StreamingStitcher.ForRaster(source, windows, options);
            if (windows.Count > 0) Run(input, windows, bands, stitcher, progress, cancellationToken);
            stitcher.Complete();
        }

        var polygons = new List<string>();
        string? preview = null;
        try
        {
            using var classRaster = Raster.Open(classes);
            var names = pipeline.Model.Classes.Take(model.NumClasses).ToList();
            var vectors = VectorOutputs(formats).ToList();
            if (vectors.Count > 0)
            {
                // polygonised once, written in every requested format
                var features = Polygonizer.Polygonize(classRaster, classNames: names);
                foreach (var ((format, _), path) in vectors.Zip(vectorPaths))
                {
                    VectorWriter.Write(path, features, classRaster.SpatialReference, format, layerName: "classes");
                    polygons.Add(path);
                }
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
            DeleteOutputs([classes, probabilities, .. polygons]);
            throw;
        }
        return new PredictOutputs(classes, probabilities, polygons, preview, tiles, clock.Elapsed.TotalSeconds);
    }

    static void DeleteOutputs(IEnumerable<string?> paths)
    {
        foreach (var file in paths.OfType<string>().SelectMany(FilesOf))
            if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>The files one output is made of: a shapefile is written with its sidecars.</summary>
    static IEnumerable<string> FilesOf(string output) => output.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)
        ? new[] { ".shp", ".shx", ".dbf", ".prj", ".cpg" }.Select(e => Path.ChangeExtension(output, e)) : [output];

    HashSet<string> Formats => FormatsOf(pipeline);
    static HashSet<string> FormatsOf(SegmentationPipeline pipeline) => pipeline.Output.Formats.Select(f => f.ToLowerInvariant()).ToHashSet();

    /// <summary>The files <see cref="Predict"/> writes for the output stem <paramref name="name"/>.</summary>
    public static (string Classes, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview) OutputPaths(
        SegmentationPipeline pipeline, string outputDir, string name)
    {
        var formats = FormatsOf(pipeline);
        return (Path.Combine(outputDir, $"{name}_classes.tif"),
            formats.Contains("probabilities") ? Path.Combine(outputDir, $"{name}_probabilities.tif") : null,
            VectorOutputs(formats).Select(v => Path.Combine(outputDir, $"{name}_classes.{v.Extension}")).ToList(),
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
            var written = polygons.Append(classes).Append(probabilities).Append(preview).OfType<string>().SelectMany(FilesOf);
            foreach (var path in written)
                if (inputPaths.Contains(path))
                    throw new PipelineInputException($"{path}: is an input and would be overwritten by the outputs of {item.Path}; choose another --output");
        }
    }

    /// <summary>The vector formats among the pipeline's output formats (`shp` is the short name of `shapefile`).</summary>
    static IEnumerable<(VectorFormat Format, string Extension)> VectorOutputs(IReadOnlySet<string> formats)
    {
        if (formats.Contains("geojson")) yield return (VectorFormat.GeoJson, "geojson");
        if (formats.Contains("gpkg")) yield return (VectorFormat.GeoPackage, "gpkg");
        if (formats.Contains("shapefile") || formats.Contains("shp")) yield return (VectorFormat.Shapefile, "shp");
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

    // 256-row blocks: the stitcher holds one block-high band of scores per pending row band, so this halves its memory.
    // `cog` converts to a cloud-optimised GeoTIFF with overviews at the end; `geotiff` keeps the tiled file as written.
    static readonly GeoTiffOptions CogTiff = GeoTiffOptions.CloudOptimized with { BlockSize = 256 };
    static readonly GeoTiffOptions PlainTiff = GeoTiffOptions.Default;

    static BlendMode BlendOf(string blend) => blend switch
    {
        "average" => BlendMode.Average,
        "linear" => BlendMode.Linear,
        "crop" => BlendMode.Crop,
        _ => BlendMode.Cosine,
    };

    void Run(string input, IReadOnlyList<GridWindow> windows, int[] bands, StreamingStitcher stitcher,
        Action<InferenceProgress>? progress, CancellationToken cancellationToken)
    {
        var inference = new TileInference(model, pipeline.Input.Mean.ToArray(), pipeline.Input.Std.ToArray(), device, precision);
        var source = new RasterWindows(input, windows, new TilerOptions(bands, pipeline.Tiling.BatchSize));
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
