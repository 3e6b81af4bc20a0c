using System.Diagnostics;
using System.Globalization;
using GeoDense.Geo;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

// Detection benchmarks (see docs/benchmarks.md, "Detection"). Rasters are georeferenced synthetic oriented-object
// scenes (SyntheticObjects blocks of 1000² with 40 objects each, EPSG:32633, 0.3 m), made once per size in --dir.
//   throughput --size S [--repeats R] [--weights W]  model-only vs end-to-end (the `detect` path) on the same windows
//   rss        --size S [--sparse] [--weights W]     runs `geodense detect` on the raster, prints its peak RSS
//   train      [--dir D]                             trains the nano demo model as the learning test does (24 scenes,
//                                                    120 iterations) into D/weights/latest.safetensors
// The model is the nano demo pipeline (pipelines/demo-detection.yaml: lemevit-nano, FPN 32, FC 128, windows 256 /
// stride 200, batch 2); random weights unless --weights (their boxes mean nothing, and how many there are changes the
// merge time).
var mode = args.Length > 0 ? args[0] : "throughput";
string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int size = int.Parse(Arg("--size", "2000"), CultureInfo.InvariantCulture);
var dir = Directory.CreateDirectory(Arg("--dir", "/tmp/gd-det-bench")).FullName;
var pipelinePath = Path.GetFullPath(Arg("--pipeline", "pipelines/demo-detection.yaml"));
var pipeline = PipelineFile.Load<DetectionPipeline>(pipelinePath);
var weights = Arg("--weights", "");
int threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
TorchRuntime.SetNumThreads(threads);

if (mode == "train") { Train(); return 0; }
// --sparse: scenes only in five 1000² blocks (the corners and the centre), nodata elsewhere: the same windows and
// objects at every size, so peak RSS at 4000² and 20000² differs by what depends on the raster's size alone
bool sparse = args.Contains("--sparse");
var name = sparse ? $"scene_{size}_sparse" : $"scene_{size}";
var raster = Path.Combine(dir, name + ".tif");
if (!File.Exists(raster)) WriteScene(raster, size, sparse);
var output = Directory.CreateDirectory(Path.Combine(dir, "out_" + name)).FullName;

switch (mode)
{
    case "throughput": Throughput(); break;
    case "rss": Rss(); break;
    default: Console.Error.WriteLine($"unknown mode {mode}"); return 2;
}
return 0;

void Throughput()
{
    using var model = DetectionModels.Create(pipeline);
    if (weights.Length > 0) model.LoadStateDict(GeoDense.Torch.Checkpoints.TensorCheckpoints.LoadTensors(weights));
    model.Eval();
    var windowDetector = DetectionEvaluator.WindowDetector(model);
    var detector = new DotaDetector(pipeline, windowDetector, Device.Cpu);

    // model-only: the same windows and batches as `detect` reads them, read and normalised beforehand
    var windows = DotaDetector.Windows(pipeline, raster);
    var batches = new DotaWindowSource(raster, windows, [.. pipeline.Input.Bands], pipeline.Input.Mean, pipeline.Tiling.BatchSize)
        .ReadBatches(CancellationToken.None)
        .Select(b => { using (b) return (b.Count, b.Channels, b.Height, b.Width, Pixels: Normalise(b.Data.ToArray(), b.Channels, b.Height * b.Width)); })
        .ToList();
    double megapixels = (double)size * size / 1e6;
    var warmUp = new Thread(() => { TorchRuntime.SetNumThreads(threads); RunModel(batches.Take(1)); });
    warmUp.Start();
    warmUp.Join();
    var modelRuns = new List<(double Seconds, long Detections)>();
    var endToEndRuns = new List<(double Seconds, long Detections)>();
    int repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
    for (int r = 0; r < repeats; r++)
    {
        // alternated, so machine load hits both alike; medians reported
        // model-only on a thread of its own, as the runner's inference thread is (libtorch's modes and OpenMP
        // settings are per thread)
        var clock = Stopwatch.StartNew();
        long raw = 0;
        var modelThread = new Thread(() => { TorchRuntime.SetNumThreads(threads); raw = RunModel(batches); });
        modelThread.Start();
        modelThread.Join();
        modelRuns.Add((clock.Elapsed.TotalSeconds, raw));
        clock.Restart();
        var result = detector.Detect(raster, output, name);
        Task1Submission.WriteFolder(Path.Combine(output, "Task1"), pipeline.Model.Classes, DotaDetector.ToTask1(pipeline.Model.Classes, [result]));
        endToEndRuns.Add((clock.Elapsed.TotalSeconds, result.Detections.Count));
        Console.Error.WriteLine($"run {r + 1}: model-only {modelRuns[^1].Seconds:F1} s ({raw} window detections), " +
                                $"end-to-end {endToEndRuns[^1].Seconds:F1} s ({result.Detections.Count} merged detections)");
    }
    var m = modelRuns.OrderBy(x => x.Seconds).ElementAt(repeats / 2);
    var e = endToEndRuns.OrderBy(x => x.Seconds).ElementAt(repeats / 2);
    Console.WriteLine("| raster | windows | model-only windows/s | end-to-end windows/s | end-to-end Mpx/s | window det./s (model-only) | merged det./s (end-to-end) | end-to-end / model-only |");
    Console.WriteLine($"| {size} x {size} | {windows.Count} | {windows.Count / m.Seconds:F2} | {windows.Count / e.Seconds:F2} | {megapixels / e.Seconds:F3} | " +
                      $"{m.Detections / m.Seconds:F0} | {e.Detections / e.Seconds:F0} | {m.Seconds / e.Seconds:F2} |");

    long RunModel(IEnumerable<(int Count, int Channels, int Height, int Width, float[] Pixels)> work)
    {
        long detections = 0;
        foreach (var b in work)
        {
            using var scope = TorchRuntime.NewScope();
            using var inference = TorchRuntime.InferenceMode();
            var images = Tensor.FromArray(b.Pixels, b.Count, b.Channels, b.Height, b.Width);
            foreach (var w in windowDetector(images))
            {
                // copied out as `detect` copies them, so both sides pay the same tensor -> array cost
                detections += w.Scores.Cpu().Contiguous().ToArray<float>().Length;
                _ = w.Obb.Cpu().Contiguous().ToArray<float>();
            }
        }
        return detections;
    }
}

float[] Normalise(float[] pixels, int channels, int plane)
{
    for (int i = 0; i < pixels.Length; i++)
    {
        int band = i / plane % channels;
        pixels[i] = (pixels[i] - pipeline.Input.Mean[band]) / pipeline.Input.Std[band];
    }
    return pixels;
}

// peak RSS of the CLI itself, a child process under GNU time (its %M is the child's max resident set, in KiB)
void Rss()
{
    var cli = Path.Combine(AppContext.BaseDirectory, "../../../../../src/Cli/bin/Release/net10.0/geodense.dll");
    if (!File.Exists(cli)) throw new FileNotFoundException($"{cli}: build the CLI first (./geodense build)");
    if (weights.Length == 0)
    {
        // `detect` needs a weights file: random weights saved with the pipeline, as training would save them
        weights = Path.Combine(dir, "random.safetensors");
        if (!File.Exists(weights))
            using (var model = DetectionModels.Create(pipeline))
                GeoDense.Torch.Checkpoints.TensorCheckpoints.SaveSafetensors(weights, model.StateDict());
    }
    var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardError = true, RedirectStandardOutput = true };
    foreach (var a in new[] { "-f", "peak-rss-kib %M", "dotnet", cli, "detect", "--pipeline", pipelinePath, "--weights", weights,
                 "--input", raster, "--output", output, "--dota-submission", Path.Combine(output, "submission.zip") })
        start.ArgumentList.Add(a);
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) { Console.Error.WriteLine(stderr); throw new InvalidOperationException($"geodense detect exited {process.ExitCode}"); }
    var peak = long.Parse(stderr.Split('\n').Last(l => l.StartsWith("peak-rss-kib ", StringComparison.Ordinal))["peak-rss-kib ".Length..],
        CultureInfo.InvariantCulture);
    var summary = stdout.Result.Split('\n').First(l => l.Contains(" windows in ", StringComparison.Ordinal));
    Console.Error.WriteLine(summary);
    Console.WriteLine($"| {size} x {size} | {summary[(summary.IndexOf(": ", StringComparison.Ordinal) + 2)..]} | {clock.Elapsed.TotalSeconds:F0} s | {peak / 1024} MiB |");
}

void Train()
{
    var data = Path.Combine(dir, "train-data");
    var val = Path.Combine(dir, "val-data");
    if (!Directory.Exists(data)) SyntheticObjects.WriteDataset(data, count: 24, size: 256, objectsPerImage: 6, seed: 11);
    if (!Directory.Exists(val)) SyntheticObjects.WriteDataset(val, count: 1, size: 400, objectsPerImage: 12, seed: 12, prefix: "H");
    var work = Path.Combine(dir, "weights");
    var trainPipeline = pipeline with
    {
        Train = pipeline.Train! with
        {
            Data = new DataSection { Format = "dota", Root = data }, Val = new DataSection { Format = "dota", Root = val }, WorkDir = work,
            Iterations = 120, Schedule = pipeline.Train!.Schedule with { Steps = [110] }, ValidateEvery = 120, CheckpointEvery = 120,
        },
        Device = "cpu",
    };
    var clock = Stopwatch.StartNew();
    var result = new DetectionTrainer(trainPipeline, work, Device.Cpu).Run(resume: false);
    Console.WriteLine($"trained 120 iterations in {clock.Elapsed.TotalSeconds:F0} s: {result.Weights}, held-out mAP {result.Validation?.MeanAp:F3}");
}

// the scene in 1000² blocks of SyntheticObjects (objects never cross a block edge), written block by block
void WriteScene(string path, int side, bool sparseBlocks)
{
    const int block = 1000;
    var clock = Stopwatch.StartNew();
    int last = (side - 1) / block * block, centre = side / 2 / block * block;
    var blocks = sparseBlocks
        ? new[] { (0, 0), (last, 0), (0, last), (last, last), (centre, centre) }.Distinct().ToList()
        : Enumerable.Range(0, (side + block - 1) / block).SelectMany(by => Enumerable.Range(0, (side + block - 1) / block)
            .Select(bx => (bx * block, by * block))).ToList();
    var spec = new RasterSpec(side, side, 3, RasterDataType.Byte, GeoTransform.NorthUp(400_000, 5_800_000, 0.3), SpatialReference.FromEpsg(32633),
        NoData: sparseBlocks ? 0 : null);
    using (var writer = RasterWriter.Create(path, spec))   // atomic: a scene file is whole or absent
    {
        foreach (var (x0, y0) in blocks)
        {
            int w = Math.Min(block, side - x0), h = Math.Min(block, side - y0);
            var (pixels, _) = SyntheticObjects.Render(block, 40, new Random(y0 * 7919 + x0));
            writer.Write<byte>(new PixelWindow(x0, y0, w, h), [1, 2, 3], Crop(pixels, block, w, h));
        }
        writer.Commit();
    }
    Console.Error.WriteLine($"wrote {path} ({blocks.Count} blocks of scenes) in {clock.Elapsed.TotalSeconds:F1} s");
}

static byte[] Crop(byte[] planes, int block, int w, int h)
{
    if (w == block && h == block) return planes;
    var result = new byte[3 * w * h];
    for (int b = 0; b < 3; b++)
        for (int y = 0; y < h; y++)
            Array.Copy(planes, b * block * block + y * block, result, (b * h + y) * w, w);
    return result;
}
