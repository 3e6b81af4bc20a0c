using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GeoDense.Geo;
using GeoDense.Geo.Bench;

// Geo benchmarks (not timed tests). Usage:
//   dotnet bench/Geo/bin/Release/net10.0/GeoDense.Geo.Bench.dll read   [--size 8192] [--dir DIR]
//   dotnet bench/Geo/bin/Release/net10.0/GeoDense.Geo.Bench.dll stitch [--size 8192] [--dir DIR]
//   dotnet bench/Geo/bin/Release/net10.0/GeoDense.Geo.Bench.dll mosaic-stitch --size 20000 --dir DIR   (JSON line; used by the memory test)
var mode = args.FirstOrDefault() ?? "read";
int size = int.Parse(Option("--size") ?? "8192", CultureInfo.InvariantCulture);
var directory = Option("--dir") ?? Path.Combine(Path.GetTempPath(), "geodense-bench");
Directory.CreateDirectory(directory);
GeoDiagnostics.Warning += message => Console.Error.WriteLine($"warning: {message}");

switch (mode)
{
    case "mosaic-stitch":
        Console.WriteLine(JsonSerializer.Serialize(MosaicStitch.Run(directory, size)));
        return 0;
    case "read":
        ReadBenchmark();
        return 0;
    case "stitch":
        StitchBenchmark();
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}' (read | stitch | mosaic-stitch)");
        return 2;
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

void ReadBenchmark()
{
    var input = MosaicStitch.EnsureMosaic(directory, size);
    double rasterMiB = 3.0 * size * size / (1024 * 1024);
    // Baseline: GDAL reading the whole raster in full-width strips (each pixel once, no overlap, no batching).
    var clock = Stopwatch.StartNew();
    var cpu0 = Cpu();
    using (var raster = Raster.Open(input))
    {
        var strip = new float[3L * 256 * size];
        for (int y = 0; y < size; y += 256)
            raster.Read<float>(new PixelWindow(0, y, size, Math.Min(256, size - y)), [1, 2, 3], strip);
    }
    var baseline = clock.Elapsed.TotalSeconds;
    var baselineCpu = Cpu() - cpu0;
    // Tiler: Potsdam grid (512/384), batches of 8, background read-ahead.
    clock.Restart();
    cpu0 = Cpu();
    long tiles = 0, floats = 0;
    var windows = WindowGrid.Create(size, size, GridOptions.Potsdam);
    foreach (var batch in Tiler.ReadBatches(input, windows, new TilerOptions(BatchSize: 8)))
        using (batch) { tiles += batch.Count; floats += batch.Data.Length; }
    var tiled = clock.Elapsed.TotalSeconds;
    var tiledCpu = Cpu() - cpu0;
    Console.WriteLine($"raster {size}x{size}x3 uint8 ({rasterMiB:F0} MiB), GDAL {GdalInfo.Version}");
    Console.WriteLine($"baseline strip read: {baseline:F2} s (CPU {baselineCpu:F2} s), {rasterMiB / baseline:F0} MB/s of raster, {rasterMiB * 4 / baseline:F0} MB/s of float32");
    Console.WriteLine($"tiler 512/384 x8:    {tiled:F2} s (CPU {tiledCpu:F2} s), {rasterMiB / tiled:F0} MB/s of raster, {floats * 4.0 / (1024 * 1024) / tiled:F0} MB/s of float32 tiles, {tiles / tiled:F0} tiles/s");
    Console.WriteLine($"ratio tiler/baseline: raster MB/s {baseline / tiled:F2}, float32 MB/s delivered {floats * 4.0 / (1024 * 1024) / tiled / (rasterMiB * 4 / baseline):F2} (the grid reads {floats / (3.0 * size * size):F2}x the pixels)");
}

void StitchBenchmark()
{
    var input = MosaicStitch.EnsureMosaic(directory, size);
    // Baseline 1: the tiler alone over the same windows (what the pipeline costs without stitching).
    var readClock = Stopwatch.StartNew();
    var readCpu = Cpu();
    var windows = WindowGrid.Create(size, size, GridOptions.Potsdam);
    foreach (var batch in Tiler.ReadBatches(input, windows, new TilerOptions(BatchSize: 4))) batch.Dispose();
    var tilerOnly = readClock.Elapsed.TotalSeconds;
    var tilerOnlyCpu = Cpu() - readCpu;
    var result = MosaicStitch.Run(directory, size);
    double megapixels = (double)size * size / 1e6;
    // Baseline: writing the same uint8 GeoTIFF (same options) straight from a strip buffer, no blending.
    var clock = Stopwatch.StartNew();
    var plain = Path.Combine(directory, $"plain-{size}.tif");
    using (var writer = RasterWriter.Create(plain, new RasterSpec(size, size, 1, RasterDataType.Byte), new GeoTiffOptions(Compression.Deflate, Level: 1)))
    {
        var strip = new byte[256L * size];
        for (int i = 0; i < strip.Length; i++) strip[i] = (byte)(i % 2000 / 700);
        for (int y = 0; y < size; y += 256)
        {
            int rows = Math.Min(256, size - y);
            writer.Write<byte>(new PixelWindow(0, y, size, rows), [1], strip.AsSpan(0, rows * size));
        }
        writer.Commit();
    }
    var baseline = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"mosaic {size}x{size}x3 uint8, {result.Windows} windows 512/384, cosine blend, 3 channels -> uint8 classes (DEFLATE 1)");
    Console.WriteLine($"stitch (tiler + identity model + stitcher + write): {result.StitchSeconds:F2} s, {megapixels / result.StitchSeconds:F1} Mpixel/s, {result.Windows / result.StitchSeconds:F0} windows/s");
    Console.WriteLine($"  CPU time of the pipeline: {result.StitchCpuSeconds:F2} s");
    Console.WriteLine($"baseline tiler alone (same windows):                 {tilerOnly:F2} s, CPU {tilerOnlyCpu:F2} s");
    Console.WriteLine($"baseline plain write of the output:                  {baseline:F2} s, {megapixels / baseline:F1} Mpixel/s");
    Console.WriteLine($"stitching cost per window (pipeline - tiler): {(result.StitchSeconds - tilerOnly) * 1000 / result.Windows:F2} ms wall, {(result.StitchCpuSeconds - tilerOnlyCpu) * 1000 / result.Windows:F2} ms CPU");
    Console.WriteLine($"ratio pipeline / (tiler + plain write) time: {result.StitchSeconds / (tilerOnly + baseline):F2}");
    Console.WriteLine($"peak RSS {result.PeakRssMiB:F0} MiB, peak stitch buffers {result.PeakBufferedMiB:F0} MiB");
    File.Delete(plain);
}
