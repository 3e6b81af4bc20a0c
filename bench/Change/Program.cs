using System.Diagnostics;
using System.Globalization;
using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

// Change-map benchmarks (see docs/benchmarks.md, "Change maps"). Both dates are SyntheticDatePair scenes: the before
// image in UTM 33N at 1 m, the after image in Web Mercator at 1.6 m, so every end-to-end run warps the after date.
//   throughput --size S [--repeats R] [--weights W]   model-only vs end-to-end on the same paired windows: tiles/s, pairs/s
//   rss        --size S [--height H] [--weights W]    one end-to-end run, prints its peak RSS (run once per size)
// The model is lemevit-nano + BIT (random weights unless --weights: the speed does not depend on them), 2 threads.
var mode = args.Length > 0 ? args[0] : "throughput";
string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int size = int.Parse(Arg("--size", "2048"), CultureInfo.InvariantCulture);
int height = int.Parse(Arg("--height", size.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var dir = Directory.CreateDirectory(Arg("--dir", "/tmp/gd-change-bench")).FullName;
int threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
TorchRuntime.SetNumThreads(threads);

var pipeline = PipelineFile.Parse<ChangePipeline>("""
    task: change
    model: { backbone: lemevit-nano, head: bit }
    tiling: { size: 256, stride: 192, batch_size: 4, blend: cosine }
    output: { formats: [cog, probabilities, geojson, png] }
    device: cpu
    """, "bench pipeline");
var name = height == size ? $"pair_{size}" : $"pair_{size}x{height}";
var (before, after) = (Path.Combine(dir, name + "_before.tif"), Path.Combine(dir, name + "_after.tif"));
if (!File.Exists(after))
{
    var write = Stopwatch.StartNew();
    // a roof added every 300 m, so the polygons and the summary have something to count
    var roofs = new List<MapRectangle>();
    for (double x = 400_100; x < 400_000 + size - 50; x += 300)
        for (double y = 5_800_000 - 100; y > 5_800_000 - height + 50; y -= 300) roofs.Add(new MapRectangle(x, y - 30, x + 40, y));
    new SyntheticDatePair(size, height, Added: roofs).Write(before, after);
    Console.Error.WriteLine($"wrote {before} and {after} in {write.Elapsed.TotalSeconds:F1} s");
}
using var model = ChangeModels.Create(pipeline);
var weights = Arg("--weights", "");
if (weights.Length > 0) model.LoadStateDict(GeoDense.Torch.Checkpoints.TensorCheckpoints.LoadTensors(weights));
model.Eval();
var predictor = new ChangeMapPredictor(pipeline, model.Forward, Device.Cpu);
var pairs = ChangeMapPairs.Single(before, after);
var output = Path.Combine(dir, "out_" + name);

switch (mode)
{
    case "throughput": Throughput(); break;
    case "rss": Rss(); break;
    default: Console.Error.WriteLine($"unknown mode {mode}"); return 2;
}
return 0;

void Throughput()
{
    // model-only: the same paired windows, read beforehand, in the predictor's batches
    using var prepared = ChangeMapPredictor.Prepare(pipeline, pairs[0]);
    var source = new PairedRasterWindows(name, prepared.Aligned.OpenBefore, prepared.Aligned.OpenAfter, prepared.Windows,
        new TilerOptions([.. pipeline.Input.Bands], pipeline.Tiling.BatchSize));
    var batches = source.ReadBatches(CancellationToken.None).ToList();
    var inference = new ChangeTileInference(model.Forward, pipeline, Device.Cpu);
    var probabilities = new float[pipeline.Tiling.BatchSize * pipeline.Tiling.Size * pipeline.Tiling.Size];
    inference.ChangeProbabilityInto(batches[0], probabilities);   // warm-up
    var modelRates = new List<double>();
    var endToEndRates = new List<double>();
    var pairSeconds = new List<double>();
    int repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
    // alternated, so machine load hits both alike; medians reported
    for (int r = 0; r < repeats; r++)
    {
        // on a thread of its own, as the runner's inference thread is (libtorch's modes and OpenMP settings are per thread)
        var modelClock = Stopwatch.StartNew();
        var modelThread = new Thread(() =>
        {
            TorchRuntime.SetNumThreads(threads);
            foreach (var b in batches) inference.ChangeProbabilityInto(b, probabilities);
        });
        modelThread.Start();
        modelThread.Join();
        modelRates.Add(prepared.Windows.Count / modelClock.Elapsed.TotalSeconds);
        var e2eClock = Stopwatch.StartNew();
        var result = predictor.PredictAll(pairs, output).Single();
        pairSeconds.Add(e2eClock.Elapsed.TotalSeconds);
        endToEndRates.Add(result.Tiles / pairSeconds[^1]);
        Console.Error.WriteLine($"run {r + 1}: model-only {modelRates[^1]:F2} tiles/s, end-to-end {endToEndRates[^1]:F2} tiles/s ({pairSeconds[^1]:F1} s for the pair, {result.Statistics.Regions} regions)");
    }
    foreach (var b in batches) b.Dispose();
    double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
    double modelOnly = Median(modelRates), endToEnd = Median(endToEndRates);
    Console.WriteLine($"| {size} x {height} | {prepared.Windows.Count} | {modelOnly:F2} | {endToEnd:F2} | {endToEnd / modelOnly:F2} | {1 / Median(pairSeconds):F4} |");
}

void Rss()
{
    var clock = Stopwatch.StartNew();
    var result = predictor.PredictAll(pairs, output).Single();
    var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    Console.WriteLine($"| {size} x {height} | {result.Tiles} | {clock.Elapsed.TotalSeconds:F1} | {peak["VmHWM:".Length..].Trim()} |");
}
