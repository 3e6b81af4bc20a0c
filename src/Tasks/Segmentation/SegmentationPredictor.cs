using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.Segmentation;

/// <summary>Tiles done so far for one mosaic, with the rate since it started.</summary>
public sealed record PredictProgress(string Input, int Done, int Total, double TilesPerSecond);

/// <summary>Files written for one input mosaic.</summary>
/// <param name="Polygons">One file per requested vector format (GeoJSON, GeoPackage, Shapefile), in that order.</param>
public sealed record PredictOutputs(string Classes, string? Probabilities, IReadOnlyList<string> Polygons, string? Preview, int Tiles, double Seconds);

/// <summary>
/// Segments mosaics of any size: the Geo tiler reads window batches ahead on its own thread, the model runs
/// batched in inference mode on a dedicated thread, and the streaming stitcher blends softmax scores into the
/// class COG (and optional probability GeoTIFF) on the calling thread, so read, inference and write overlap and
/// memory stays one tile-band high. Nodata stays nodata; georeference is the input's.
/// </summary>
public sealed class SegmentationPredictor(SegmentationPipeline pipeline, SegmentationModel model, Device device)
{
    public PredictOutputs Predict(string input, string outputDir, Action<PredictProgress>? progress = null)
    {
        var name = Path.GetFileNameWithoutExtension(input);
        Directory.CreateDirectory(outputDir);
        var formats = pipeline.Output.Formats.Select(f => f.ToLowerInvariant()).ToHashSet();
        string classes = Path.Combine(outputDir, $"{name}_classes.tif");
        string? probabilities = formats.Contains("probabilities") ? Path.Combine(outputDir, $"{name}_probabilities.tif") : null;
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
            if (windows.Count > 0) Run(input, windows, bands, stitcher, clock, progress);
            stitcher.Complete();
        }

        var polygons = new List<string>();
        string? preview = null;
        using (var classRaster = Raster.Open(classes))
        {
            var vectors = VectorOutputs(formats).ToList();
            if (vectors.Count > 0)
            {
                // polygonised once, written in every requested format
                var names = pipeline.Model.Classes.Take(model.NumClasses).ToList();
                var features = Polygonizer.Polygonize(classRaster, classNames: names);
                foreach (var (format, extension) in vectors)
                {
                    var path = Path.Combine(outputDir, $"{name}_classes.{extension}");
                    VectorWriter.Write(path, features, classRaster.SpatialReference, format, layerName: "classes");
                    polygons.Add(path);
                }
            }
            if (formats.Contains("png"))
            {
                preview = Path.Combine(outputDir, $"{name}_preview.png");
                PngPreview.WriteClassMap(classRaster, preview, Palettes.Default(model.NumClasses), model.NumClasses);
            }
        }
        return new PredictOutputs(classes, probabilities, polygons, preview, tiles, clock.Elapsed.TotalSeconds);
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
    public void CheckInput(string input)
    {
        using var source = Raster.Open(input);
        CheckBands(source);
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

    void Run(string input, IReadOnlyList<GridWindow> windows, int[] bands, StreamingStitcher stitcher, Stopwatch clock,
        Action<PredictProgress>? progress)
    {
        var inference = new TileInference(model, pipeline.Input.Mean.ToArray(), pipeline.Input.Std.ToArray(), device);
        var results = Channel.CreateBounded<(IReadOnlyList<GridWindow> Windows, float[] Scores, int Plane)>(2);
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                var tilerOptions = new TilerOptions(bands, pipeline.Tiling.BatchSize, ReadAhead: 2);
                foreach (var batch in Tiler.ReadBatches(input, windows, tilerOptions))
                    using (batch)
                    {
                        // score buffers are rented here and returned by the stitching side once blended
                        var scores = ArrayPool<float>.Shared.Rent(batch.Count * model.NumClasses * batch.Height * batch.Width);
                        inference.SoftmaxInto(batch.Data, batch.Count, batch.Channels, batch.Height, batch.Width, scores);
                        results.Writer.WriteAsync((batch.Windows, scores, batch.Height * batch.Width)).AsTask().Wait();
                    }
            }
            catch (Exception e) { failure = e; }
            finally { results.Writer.TryComplete(); }
        }) { IsBackground = true, Name = "segmentation-inference" };
        worker.Start();

        int done = 0, per = model.NumClasses;
        foreach (var (batchWindows, scores, plane) in results.Reader.ReadAllAsync().ToBlockingEnumerable())
        {
            for (int i = 0; i < batchWindows.Count; i++)
                stitcher.AddScores(batchWindows[i], scores.AsSpan(i * per * plane, per * plane));
            ArrayPool<float>.Shared.Return(scores);
            done += batchWindows.Count;
            progress?.Invoke(new PredictProgress(input, done, windows.Count, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        worker.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
