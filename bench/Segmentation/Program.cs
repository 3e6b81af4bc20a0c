using System.Diagnostics;
using System.Globalization;
using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;

// Segmentation mosaic benchmarks (see docs/benchmarks.md, "Segmentation").
//   throughput --size S --dir D [--pipeline P] [--weights W]   model-only vs end-to-end tiles/s on the same tiles
//   rss        --size S --dir D [--pipeline P] [--weights W]   `segment` end to end once (raster, polygons, preview, results
//              [--height H] [--stride N] [--trace]                 page), prints peak RSS overall and per stage (run per size)
//   generate   --size S --dir D [--height H]                  writes the mosaic only
//   check      --size S --dir D [--pipeline P] [--weights W]   georeference, nodata and agreement with per-tile inference
var mode = args.Length > 0 ? args[0] : "throughput";
string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int size = int.Parse(Arg("--size", "3072"), CultureInfo.InvariantCulture);
int height = int.Parse(Arg("--height", size.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);   // default square
var dir = Directory.CreateDirectory(Arg("--dir", "/tmp/gd-seg-bench")).FullName;
var pipeline = PipelineFile.Load<SegmentationPipeline>(Arg("--pipeline", "pipelines/demo-segmentation.yaml"));
// rss runs the pipeline's own outputs (`segment` end to end); the other modes time the raster alone
if (mode != "rss") pipeline = pipeline with { Output = new OutputSection { Formats = [args.Contains("--geotiff") ? "geotiff" : "cog"] } };
// a larger stride (fewer windows, same pipeline otherwise) makes the 20000 x 20000 run affordable on 2 cores
if (Arg("--stride", "") is { Length: > 0 } stride) pipeline = pipeline with { Tiling = pipeline.Tiling with { Stride = int.Parse(stride, CultureInfo.InvariantCulture) } };
var weights = Arg("--weights", "");
int nodataColumns = size / 16;

var name = height == size ? $"mosaic_{size}" : $"mosaic_{size}x{height}";
var mosaic = Path.Combine(dir, name + ".tif");
if (!File.Exists(mosaic))
{
    var write = Stopwatch.StartNew();
    SyntheticPotsdam.WriteMosaic(mosaic, size, height, seed: 7, nodataColumns: nodataColumns);
    Console.Error.WriteLine($"wrote {mosaic} in {write.Elapsed.TotalSeconds:F1} s");
}
if (mode == "generate") return 0;   // the mosaic alone, so that a measured run does not include its generation
using var model = SegmentationModels.Create(pipeline);
if (weights.Length > 0) model.LoadStateDict(GeoDense.Torch.Checkpoints.TensorCheckpoints.LoadTensors(weights));
model.Eval();
var inference = new TileInference(model, [.. pipeline.Input.Mean], [.. pipeline.Input.Std], Device.Cpu);
var predictor = new SegmentationPredictor(pipeline, model, Device.Cpu);
var output = Path.Combine(dir, "out_" + name);

switch (mode)
{
    case "throughput": Throughput(); break;
    case "rss": Rss(); break;
    case "check": Check(); break;
    case "parts": Parts(); break;
    default: Console.Error.WriteLine($"unknown mode {mode}"); return 2;
}
return 0;

void Throughput()
{
    using var source = Raster.Open(mosaic);
    var bands = pipeline.Input.Bands.ToArray();
    var windows = WindowGrid.Create(source, new GridOptions(pipeline.Tiling.Size, pipeline.Tiling.Stride, SkipNodata: true), bands);
    // model-only: the same windows, read beforehand, batched as the predictor batches them
    var batches = Tiler.ReadBatches(mosaic, windows, new TilerOptions(bands, pipeline.Tiling.BatchSize))
        .Select(b => { using (b) return (b.Count, b.Channels, b.Height, b.Width, Pixels: b.Data.ToArray()); }).ToList();
    inference.Softmax(batches[0].Pixels, batches[0].Count, batches[0].Channels, batches[0].Height, batches[0].Width);   // warm-up
    // alternate the two measurements so machine load hits both alike; report medians
    var modelRates = new List<double>();
    var endToEndRates = new List<double>();
    int repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
    for (int r = 0; r < repeats; r++)
    {
        var modelClock = Stopwatch.StartNew();
        foreach (var b in batches) inference.Softmax(b.Pixels, b.Count, b.Channels, b.Height, b.Width);
        modelRates.Add(windows.Count / modelClock.Elapsed.TotalSeconds);
        var e2eClock = Stopwatch.StartNew();
        var result = predictor.Predict(mosaic, output);
        endToEndRates.Add(result.Tiles / e2eClock.Elapsed.TotalSeconds);
        Console.Error.WriteLine($"run {r + 1}: model-only {modelRates[^1]:F2} tiles/s, end-to-end {endToEndRates[^1]:F2} tiles/s");
    }
    double modelOnly = modelRates.Order().ElementAt(repeats / 2), endToEnd = endToEndRates.Order().ElementAt(repeats / 2);
    Console.WriteLine($"| {size} x {size} | {windows.Count} | {modelOnly:F2} | {endToEnd:F2} | {endToEnd / modelOnly:F2} |");
}

// The stages of `segment` in its order (SegmentationPredictor.Predict = raster, then WriteDerivedOutputs; then the
// results page), run one by one so that each one's peak RSS is known; VmHWM is reset (clear_refs) between them.
void Rss()
{
    var clock = Stopwatch.StartNew();
    var samples = new List<(double Seconds, string Stage, long RssKb, long HeapMb, long CommittedMb)>();
    var stage = "tiles";
    var stagePeaks = new List<(string Stage, long HwmKb)>();
    using var stop = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            var sample = (clock.Elapsed.TotalSeconds, Volatile.Read(ref stage), ProcStatusKb("VmRSS"),
                GC.GetTotalMemory(false) / 1048576, GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576);
            lock (samples) samples.Add(sample);
            await Task.Delay(250);
        }
    });
    var full = pipeline.Output.Formats;
    var raster = pipeline with { Output = new OutputSection { Formats = [.. full.Where(f => f is "cog" or "geotiff" or "probabilities")] } };
    var result = new SegmentationPredictor(raster, model, Device.Cpu).Predict(mosaic, output,
        p => { if (p.Done == p.Total) Volatile.Write(ref stage, "raster finish (COG)"); });
    EndStage(Volatile.Read(ref stage));
    foreach (var format in full.Where(f => f is not ("cog" or "geotiff" or "probabilities")))
    {
        Volatile.Write(ref stage, format);
        SegmentationPredictor.WriteDerivedOutputs(pipeline with { Output = new OutputSection { Formats = [format] } }, model.NumClasses,
            result.Classes, result.Probabilities, output, name);
        EndStage(format);
    }
    var (_, _, polygons, preview) = SegmentationPredictor.OutputPaths(pipeline, output, name);
    Volatile.Write(ref stage, "results page");
    GeoDense.Tasks.Segmentation.SegmentationReport.Write(pipeline, output,
        [new SegmentedInput(mosaic, name, result with { Polygons = polygons, Preview = preview })], "rss bench");
    EndStage("results page");
    stop.Cancel();
    sampler.Wait();
    if (args.Contains("--trace"))
        lock (samples)
            for (int i = 0; i < samples.Count; i += Math.Max(1, samples.Count / 16))
                Console.Error.WriteLine($"  {samples[i].Seconds,6:F1} s  {samples[i].Stage,-20} RSS {samples[i].RssKb / 1024,5} MB  GC heap {samples[i].HeapMb,4} MB  GC committed {samples[i].CommittedMb,4} MB");
    foreach (var (s, hwm) in stagePeaks) Console.Error.WriteLine($"  peak during {s,-20} {hwm} kB");
    Console.WriteLine($"| {size} x {height} | {result.Tiles} | {clock.Elapsed.TotalSeconds:F1} | {stagePeaks.Max(p => p.HwmKb)} kB |");

    void EndStage(string s)
    {
        stagePeaks.Add((s, ProcStatusKb("VmHWM")));
        File.WriteAllText("/proc/self/clear_refs", "5");   // resets VmHWM to the current RSS
    }
}

static long ProcStatusKb(string key) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim().Split(' ')[0],
        CultureInfo.InvariantCulture);

void Check()
{
    var classesPath = Path.Combine(output, $"{name}_classes.tif");
    if (!File.Exists(classesPath)) predictor.Predict(mosaic, output);
    using var source = Raster.Open(mosaic);
    using var classes = Raster.Open(classesPath);
    bool sameTransform = source.GeoTransform == classes.GeoTransform;
    bool sameCrs = source.SpatialReference!.IsSameAs(classes.SpatialReference!);
    var bands = pipeline.Input.Bands.ToArray();

    // nodata: class nodata exactly where every input band is nodata, checked strip by strip
    long nodataMismatch = 0, nodataPixels = 0;
    for (int y0 = 0; y0 < source.Height; y0 += 256)
    {
        var strip = new PixelWindow(0, y0, source.Width, Math.Min(256, source.Height - y0));
        var valid = new byte[strip.Area];
        source.ReadValidMask(strip, bands, valid);
        var ids = classes.Read<byte>(strip, [1]);
        for (int i = 0; i < ids.Length; i++)
        {
            bool outNodata = ids[i] == 255;
            if (valid[i] == 0) nodataPixels++;
            if (outNodata != (valid[i] == 0)) nodataMismatch++;
        }
    }

    // agreement with running the model on each window alone (argmax of that window's logits), over a sample of windows
    var windows = WindowGrid.Create(source, new GridOptions(pipeline.Tiling.Size, pipeline.Tiling.Stride, SkipNodata: true), bands);
    int margin = (pipeline.Tiling.Size - pipeline.Tiling.Stride) / 2;
    long same = 0, total = 0, centreSame = 0, centreTotal = 0;
    var rng = new Random(1);
    foreach (var w in windows.OrderBy(_ => rng.Next()).Take(40))
    {
        var pixels = source.Read<float>(w.Source, bands);
        var scores = inference.Run(pixels, 1, bands.Length, w.Source.Height, w.Source.Width);
        int plane = w.Source.Width * w.Source.Height;
        var alone = new byte[plane];
        for (int i = 0; i < plane; i++)
        {
            int best = 0;
            for (int c = 1; c < model.NumClasses; c++) if (scores[c * plane + i] > scores[best * plane + i]) best = c;
            alone[i] = (byte)best;
        }
        var stitched = classes.Read<byte>(w.Source, [1]);
        var valid = new byte[plane];
        source.ReadValidMask(w.Source, bands, valid);
        for (int y = 0; y < w.Source.Height; y++)
            for (int x = 0; x < w.Source.Width; x++)
            {
                int i = y * w.Source.Width + x;
                if (valid[i] == 0) continue;
                bool match = stitched[i] == alone[i];
                total++; same += match ? 1 : 0;
                bool centre = x >= margin && y >= margin && x < w.Source.Width - margin && y < w.Source.Height - margin;
                if (centre) { centreTotal++; centreSame += match ? 1 : 0; }
            }
    }
    Console.WriteLine($"geotransform equal: {sameTransform}, CRS equal: {sameCrs}, nodata pixels {nodataPixels}, nodata mismatches {nodataMismatch}");
    Console.WriteLine($"agreement with per-window inference (40 windows): whole windows {(double)same / total:P2}, window centres (margin {margin}) {(double)centreSame / centreTotal:P2}");
}

// where end-to-end time goes besides the model: reading alone, stitching + COG alone (fixed scores)
void Parts()
{
    using var source = Raster.Open(mosaic);
    var bands = pipeline.Input.Bands.ToArray();
    var windows = WindowGrid.Create(source, new GridOptions(pipeline.Tiling.Size, pipeline.Tiling.Stride, SkipNodata: true), bands);
    var read = Stopwatch.StartNew();
    foreach (var b in Tiler.ReadBatches(mosaic, windows, new TilerOptions(bands, pipeline.Tiling.BatchSize))) b.Dispose();
    Console.WriteLine($"read {windows.Count} windows: {read.Elapsed.TotalSeconds:F2} s");
    int classes = model.NumClasses, t = pipeline.Tiling.Size;
    var scores = new float[classes * t * t];
    new Random(1).NextBytes(new byte[1]);
    for (int i = 0; i < scores.Length; i++) scores[i] = (i * 7919 % 1000) / 1000f;
    foreach (var tiff in new[] { GeoTiffOptions.Default, GeoTiffOptions.CloudOptimized })
    {
        var stitch = Stopwatch.StartNew();
        var options = new StitcherOptions(classes, BlendMode.Cosine, ClassPath: Path.Combine(dir, "parts_classes.tif"), Tiff: tiff,
            NodataBands: bands, Overlap: t - pipeline.Tiling.Stride);
        using (var stitcher = StreamingStitcher.ForRaster(source, windows, options))
        {
            foreach (var w in windows) stitcher.AddScores(w, scores.AsSpan(0, classes * w.OutputHeight * w.OutputWidth));
            var add = stitch.Elapsed.TotalSeconds;
            stitcher.Complete();
            Console.WriteLine($"stitch ({(tiff.Cog ? "COG" : "GTiff")}): add {add:F2} s, complete {stitch.Elapsed.TotalSeconds - add:F2} s");
        }
    }
}
