using System.Collections.Concurrent;
using System.Diagnostics;

namespace GeoDense.Geo.Bench;

/// <summary>
/// The large-mosaic job behind the memory test and the stitch benchmark: tile a 3-band uint8 mosaic (Potsdam grid),
/// run an identity "model" (scores = the input bands) and stitch argmax class ids into a uint8 GeoTIFF.
/// </summary>
public static class MosaicStitch
{
    /// <param name="PeakRssMiB">Peak RSS of the whole process (generation included).</param>
    /// <param name="StitchPeakRssMiB">Peak RSS while tiling + stitching (the high-water mark is reset after generation).</param>
    public sealed record Result(int Size, int Windows, double GenerateSeconds, double StitchSeconds, double StitchCpuSeconds, double PeakRssMiB,
                                double StitchPeakRssMiB, double PeakBufferedMiB, string Input, string Output);

    public static string EnsureMosaic(string directory, int size)
    {
        var path = Path.Combine(directory, $"mosaic-{size}.tif");
        if (!File.Exists(path))
            SyntheticScene.Write(path, new SyntheticSceneOptions(size, size, Bands: 3, Tiff: new GeoTiffOptions(Compression.None)));
        return path;
    }

    public static Result Run(string directory, int size, GridOptions? grid = null, BlendMode blend = BlendMode.Cosine)
    {
        grid ??= GridOptions.Potsdam;
        var clock = Stopwatch.StartNew();
        var input = EnsureMosaic(directory, size);
        var generate = clock.Elapsed.TotalSeconds;
        GC.Collect();
        var generationPeak = PeakMemory.PeakRssMiB();
        PeakMemory.ResetPeak();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        var output = Path.Combine(directory, $"classes-{size}.tif");
        using var source = Raster.Open(input);
        var windows = WindowGrid.Create(source, grid);
        var options = new StitcherOptions(3, blend, ClassPath: output, Overlap: grid.TileSize - grid.Stride,
            Tiff: new GeoTiffOptions(Compression.Deflate, Level: 1));
        long peakBuffered;
        using (var stitcher = StreamingStitcher.ForRaster(source, windows, options))
        {
            // Two consumers, as a model runner with two workers would do.
            var batches = Tiler.ReadBatches(input, windows, new TilerOptions(BatchSize: 4));
            // NoBuffering: the workers take one batch at a time instead of hoarding chunks of them.
            Parallel.ForEach(Partitioner.Create(batches, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = 2 }, batch =>
            {
                using (batch)
                    for (int i = 0; i < batch.Count; i++) stitcher.AddScores(batch.Windows[i], batch.Tile(i));
            });
            stitcher.Complete();
            peakBuffered = stitcher.PeakBufferedBytes;
        }
        var stitchPeak = PeakMemory.PeakRssMiB();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        return new Result(size, windows.Count, generate, clock.Elapsed.TotalSeconds, cpu, Math.Max(generationPeak, stitchPeak), stitchPeak,
            peakBuffered / (1024.0 * 1024.0), input, output);
    }
}
