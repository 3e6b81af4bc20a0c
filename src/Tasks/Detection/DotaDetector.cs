using System.Buffers;
using System.Diagnostics;
using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection;

/// <summary>What detecting one input gave: its merged detections and the files written for it.</summary>
public sealed record DetectOutputs(string Input, string ImageName, IReadOnlyList<Detection> Detections, IReadOnlyList<string> Polygons,
    string Preview, int Windows, double Seconds);

/// <summary>
/// The detect pipeline, whatever the model: an image or raster of any size is cut into the pipeline's DOTA windows
/// (tiling size/stride/scales, <see cref="DotaSplitPolicy"/>), the shared <see cref="TiledRunner"/> reads batches on
/// its reader thread and runs <see cref="WindowDetector"/> on its inference thread, each window's boxes go back to
/// image pixels (offset, and scale for rates other than 1), and the image's detections are merged by per-class
/// rotated NMS at `model.merge_nms_iou`. Memory: a few window batches plus the image's detections, whatever the
/// raster's size. Writes, per input: polygons (GeoJSON / GPKG / Shapefile as `output.formats` asks) in the raster's
/// CRS with class and score when the input is georeferenced, and a PNG preview with the boxes and a class legend.
/// </summary>
public sealed class DotaDetector(DetectionPipeline pipeline, WindowDetector detector, Device device)
{
    IReadOnlyList<string> Classes => pipeline.Model.Classes;
    int[] Bands => pipeline.Input.Bands.ToArray();
    readonly BatchShapeWatch shapes = new(device);

    /// <param name="name">output stem and Task1 image name (default: the input's file name without extension)</param>
    public DetectOutputs Detect(string input, string outputDir, string? name = null, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var windows = Windows(pipeline, input);
        var detections = DetectWindows(input, windows, progress, cancellationToken).Merge(pipeline.Model.MergeNmsIou);
        return WriteOutputs(pipeline, input, outputDir, name ?? Path.GetFileNameWithoutExtension(input), detections, windows.Count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The DOTA windows of <paramref name="input"/> as the pipeline cuts it (checks its bands first).</summary>
    public static IReadOnlyList<GridWindow> Windows(DetectionPipeline pipeline, string input)
    {
        using var raster = Raster.Open(input);
        var bands = pipeline.Input.Bands.ToArray();
        foreach (var b in bands)
            if (b > raster.BandCount)
                throw new RasterInputException(raster.Path, $"{raster.Path}: has {raster.BandCount} band(s), but the pipeline's input.bands needs band {b}");
        var grid = new GridOptions(pipeline.Tiling.Size, pipeline.Tiling.Stride, pipeline.Tiling.Scales, SkipNodata: true);
        return DotaSplitPolicy.BboxToolkit.KeepWindows(WindowGrid.Create(raster, grid, bands), raster.Width, raster.Height);
    }

    /// <summary>
    /// Runs the detector on <paramref name="windows"/> (all of <see cref="Windows"/>, or a run of whole batches of them:
    /// batches are formed in order, so a worker shard runs the same batches as the one-process run) and maps every box
    /// back to image pixels. The result is not yet merged: append the parts in window order, then
    /// <see cref="ImageDetections.Merge"/>.
    /// </summary>
    public ImageDetections DetectWindows(string input, IReadOnlyList<GridWindow> windows, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var detections = new ImageDetections();
        if (windows.Count == 0) return detections;
        var source = new DotaWindowSource(input, windows, Bands, pipeline.Input.Mean, pipeline.Tiling.BatchSize);
        TiledRunner.Run(source, Infer, (batch, results) => MapBack(batch, results, detections), progress, cancellationToken);
        return detections;
    }

    /// <summary>
    /// One input's files from its merged detections: polygons (GeoJSON / GPKG / Shapefile as `output.formats` asks) in
    /// the raster's CRS when it is georeferenced, and the PNG preview. All of them are written or none is.
    /// </summary>
    public static DetectOutputs WriteOutputs(DetectionPipeline pipeline, string input, string outputDir, string name, IReadOnlyList<Detection> detections,
        int windows, double seconds)
    {
        var written = new List<string>();
        var bands = pipeline.Input.Bands.ToArray();
        try
        {
            using var raster = Raster.Open(input);
            // polygons need map coordinates: a geotransform and a CRS (GCP-only rasters get the preview and Task1 lines)
            if (raster.GeoTransform is not null && raster.SpatialReference is not null) WritePolygons(pipeline, raster, detections, outputDir, name, written);
            var preview = Path.Combine(outputDir, $"{name}_detections.png");
            BoxPreview.Write(raster, preview, detections.Select(d => new PreviewPolygon(d.Polygon.Corners(), d.ClassId)).ToList(), pipeline.Model.Classes,
                bands.Length >= 3 ? bands[..3] : [bands[0]]);
            written.Add(preview);
            return new DetectOutputs(input, name, detections, written.SkipLast(1).ToList(), preview, windows, seconds);
        }
        catch
        {
            // an input's outputs are all there or none is
            foreach (var file in written) File.Delete(file);
            throw;
        }
    }

    /// <summary>The detections of every input as Task1 lines per class name.</summary>
    public static Dictionary<string, List<Task1Detection>> ToTask1(IReadOnlyList<string> classes, IEnumerable<DetectOutputs> outputs)
    {
        var byClass = classes.ToDictionary(c => c, _ => new List<Task1Detection>());
        foreach (var o in outputs)
            foreach (var d in o.Detections)
                byClass[classes[d.ClassId]].Add(new Task1Detection(o.ImageName, d.Score, d.Polygon));
        return byClass;
    }

    /// <summary>On the inference thread: normalise, run the detector, copy its tensors out.</summary>
    IReadOnlyList<WindowResult> Infer(TileBatch batch)
    {
        int plane = batch.Height * batch.Width;
        var normalised = ArrayPool<float>.Shared.Rent(batch.Data.Length);
        try
        {
            var raw = batch.Data;
            for (int n = 0; n < batch.Count; n++)
                for (int b = 0; b < batch.Channels; b++)
                {
                    float m = pipeline.Input.Mean[b], inv = 1f / pipeline.Input.Std[b];
                    int offset = (n * batch.Channels + b) * plane;
                    for (int i = 0; i < plane; i++) normalised[offset + i] = (raw[offset + i] - m) * inv;
                }
            shapes.Next(batch.Count, batch.Height, batch.Width);
            using var scope = TorchRuntime.NewScope();
            using var inference = TorchRuntime.InferenceMode();
            var images = Tensor.FromSpan<float>(normalised.AsSpan(0, raw.Length), [batch.Count, batch.Channels, batch.Height, batch.Width]).To(device);
            var perWindow = detector(images);
            if (perWindow.Count != batch.Count)
                throw new InvalidOperationException($"the detector returned {perWindow.Count} results for {batch.Count} windows");
            return perWindow.Select(w => new WindowResult(
                w.Obb.Cpu().To(ScalarType.Float32).Contiguous().ToArray<float>(),
                w.Scores.Cpu().To(ScalarType.Float32).Contiguous().ToArray<float>(),
                w.Labels.Cpu().To(ScalarType.Int64).Contiguous().ToArray<long>())).ToList();
        }
        finally { ArrayPool<float>.Shared.Return(normalised); }
    }

    /// <summary>Window pixels to image pixels: divide by the window's rescale, add its corner; θ is unchanged.</summary>
    void MapBack(TileBatch batch, IReadOnlyList<WindowResult> results, ImageDetections merged)
    {
        Span<float> box = stackalloc float[5];
        for (int k = 0; k < batch.Count; k++)
        {
            var window = batch.Windows[k];
            var r = results[k];
            double sx = (double)window.OutputWidth / window.Source.Width, sy = (double)window.OutputHeight / window.Source.Height;
            double size = 1 / Math.Sqrt(sx * sy);
            for (int i = 0; i < r.Scores.Length; i++)
            {
                int label = (int)r.Labels[i];
                if (label < 0 || label >= Classes.Count)
                    throw new InvalidOperationException($"the detector gave class {label}, but the pipeline has {Classes.Count} classes");
                box[0] = (float)(r.Obb[5 * i] / sx + window.Source.X);
                box[1] = (float)(r.Obb[5 * i + 1] / sy + window.Source.Y);
                box[2] = (float)(r.Obb[5 * i + 2] * size);
                box[3] = (float)(r.Obb[5 * i + 3] * size);
                box[4] = r.Obb[5 * i + 4];
                merged.AddObb(label, r.Scores[i], box);
            }
        }
    }

    static void WritePolygons(DetectionPipeline pipeline, Raster raster, IReadOnlyList<Detection> detections, string outputDir, string name,
        List<string> written)
    {
        var classes = pipeline.Model.Classes;
        var formats = pipeline.Output.Formats.Select(f => f.ToLowerInvariant()).ToHashSet();
        var vectors = DenseOutputs.Vectors(formats).ToList();
        if (vectors.Count == 0) return;
        var transform = raster.GeoTransform;
        var features = detections.Select(d => new VectorFeature(OrientedBox.PolygonFromPixels(d.Polygon.Corners(), transform),
            d.ClassId, classes[d.ClassId], d.Score)).ToList();
        foreach (var (format, extension) in vectors)
        {
            var path = Path.Combine(outputDir, $"{name}_detections.{extension}");
            VectorWriter.Write(path, features, raster.SpatialReference, format, layerName: "detections");
            written.Add(path);
        }
    }
}
