using System.Collections.Concurrent;
using System.Numerics;

namespace GeoDense.Geo;

/// <summary>
/// Blends per-window model outputs (C channels of scores, or class ids) into georeferenced GeoTIFFs while the windows
/// stream in. Output rows are grouped into bands one GeoTIFF block high; a band is finished and written the moment the
/// last window covering it arrives, so memory is O(tile height x width x C), not O(height x width x C).
/// Windows may arrive in any order and from several threads.
/// </summary>
public sealed class StreamingStitcher : IDisposable
{
    private sealed class RowBand(int y0, int rows, int pending)
    {
        public readonly int Y0 = y0, Rows = rows;
        public int Pending = pending;
        public float[]? Scores, Weights;
        public bool Written;
    }

    private readonly RasterGrid grid;
    private readonly GridWindow[] windows;
    private readonly StitcherOptions options;
    private readonly int bandHeight;
    private readonly RowBand[] rowBands;
    private readonly bool[] arrived;
    private readonly object writeGate = new();
    private readonly RasterWriter? classWriter, probabilityWriter;
    private readonly Raster? nodataSource;
    private readonly List<Raster> otherNodataSources = [];
    private readonly int[] nodataBands = [];
    private readonly ConcurrentBag<float[]> scorePool = [], weightPool = [];
    private byte[]? classBuffer, validBuffer, otherValidBuffer;
    private float[]? probabilityBuffer;
    private byte[]? probabilityBytes;
    private int remainingWindows;
    private long bufferedBytes, peakBufferedBytes;
    private volatile bool failed;

    public RasterGrid Grid => grid;
    public int RemainingWindows => Volatile.Read(ref remainingWindows);

    /// <summary>The most accumulator memory held at once (bytes): the O(tile height x width x C) bound, observable.</summary>
    public long PeakBufferedBytes => Interlocked.Read(ref peakBufferedBytes);

    public StreamingStitcher(RasterGrid grid, IReadOnlyList<GridWindow> windows, StitcherOptions options)
    {
        options.Validate();
        this.grid = grid;
        this.options = options;
        this.windows = windows.ToArray();
        for (int i = 0; i < this.windows.Length; i++)
            if (this.windows[i].Index != i) throw new ArgumentException($"Window #{i} has index {this.windows[i].Index}; pass the grid's list as it is.");
        arrived = new bool[this.windows.Length];
        remainingWindows = this.windows.Length;
        var tiff = options.Tiff ?? GeoTiffOptions.Default;
        bandHeight = tiff.Tiled ? tiff.BlockSize : 256;

        int bandCount = (grid.Height + bandHeight - 1) / bandHeight;
        var pending = new int[bandCount];
        var full = PixelWindow.Full(grid.Width, grid.Height);
        foreach (var w in this.windows)
        {
            var clipped = w.Source.Intersect(full);
            if (clipped.IsEmpty) throw new ArgumentException($"Window {w.Source} lies outside the {grid.Width}x{grid.Height} grid.");
            for (int k = clipped.Y / bandHeight; k <= (clipped.Bottom - 1) / bandHeight; k++) pending[k]++;
        }
        rowBands = Enumerable.Range(0, bandCount)
            .Select(k => new RowBand(k * bandHeight, Math.Min(bandHeight, grid.Height - k * bandHeight), pending[k])).ToArray();

        try
        {
            if (options.ClassPath is { } classPath)
                classWriter = RasterWriter.Create(classPath, grid.ToSpec(1, RasterDataType.Byte, options.ClassNoData), tiff);
            if (options.ProbabilityPath is { } probabilityPath)
                probabilityWriter = RasterWriter.Create(probabilityPath, options.ProbabilityEncoding == ProbabilityEncoding.Float32
                    ? grid.ToSpec(options.Channels, RasterDataType.Float32, double.NaN)
                    : grid.ToSpec(options.Channels, RasterDataType.Byte, 255), tiff);
            if (options.NodataSource is { } source)
            {
                nodataSource = Raster.Open(source);
                if ((nodataSource.Width, nodataSource.Height) != (grid.Width, grid.Height))
                    throw new RasterInputException(source, $"'{source}' is {nodataSource.Width}x{nodataSource.Height} but the output grid is {grid.Width}x{grid.Height}.");
                nodataBands = options.NodataBands ?? nodataSource.AllBands();
                if (nodataSource.AllValid(nodataBands)) { nodataSource.Dispose(); nodataSource = null; }
            }
            foreach (var other in options.AlsoNodataIn ?? [])
            {
                var raster = Raster.Open(other);
                otherNodataSources.Add(raster);
                if ((raster.Width, raster.Height) != (grid.Width, grid.Height))
                    throw new RasterInputException(other, $"'{other}' is {raster.Width}x{raster.Height} but the output grid is {grid.Width}x{grid.Height}.");
            }
            foreach (var band in rowBands.Where(b => b.Pending == 0)) Write(band);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Stitcher on <paramref name="source"/>'s grid; its nodata becomes output nodata unless options say otherwise.</summary>
    public static StreamingStitcher ForRaster(Raster source, IReadOnlyList<GridWindow> windows, StitcherOptions options)
    {
        source.WarnIfNotGeoreferenced();
        return new StreamingStitcher(RasterGrid.Of(source), windows, options with { NodataSource = options.NodataSource ?? source.Path });
    }

    /// <summary>Adds a window's scores, C x OutputHeight x OutputWidth (the layout the tiler produced).</summary>
    public void AddScores(GridWindow window, ReadOnlySpan<float> scores)
    {
        int plane = window.OutputWidth * window.OutputHeight;
        if (scores.Length < options.Channels * plane)
            throw new ArgumentException($"Window #{window.Index} needs {options.Channels} x {window.OutputHeight} x {window.OutputWidth} scores, got {scores.Length}.");
        Add(window, scores, default);
    }

    /// <summary>Adds a window's class ids, OutputHeight x OutputWidth; ids >= Channels (e.g. 255) carry no vote.</summary>
    public void AddClassIds(GridWindow window, ReadOnlySpan<byte> classIds)
    {
        if (classIds.Length < window.OutputWidth * window.OutputHeight)
            throw new ArgumentException($"Window #{window.Index} needs {window.OutputHeight} x {window.OutputWidth} class ids, got {classIds.Length}.");
        Add(window, default, classIds);
    }

    private void Add(GridWindow window, ReadOnlySpan<float> scores, ReadOnlySpan<byte> classIds)
    {
        if (failed) throw new InvalidOperationException("The stitcher failed earlier; see the first exception.");
        MarkArrived(window);
        var clipped = window.Source.Intersect(PixelWindow.Full(grid.Width, grid.Height));
        var (columnMap, rowMap) = SourceToOutput(window, clipped);
        int overlap = options.Overlap ?? window.OutputWidth / 4;
        var wx = BlendWeights.Axis(options.Blend, window.OutputWidth, overlap, window.Source.X > 0, window.Source.Right < grid.Width);
        var wy = BlendWeights.Axis(options.Blend, window.OutputHeight, overlap, window.Source.Y > 0, window.Source.Bottom < grid.Height);
        var rowWeights = new float[clipped.Width];
        var gathered = new float[clipped.Width];
        try
        {
            for (int k = clipped.Y / bandHeight; k <= (clipped.Bottom - 1) / bandHeight; k++)
            {
                var band = rowBands[k];
                bool complete;
                lock (band)
                {
                    EnsureBuffers(band);
                    int y0 = Math.Max(band.Y0, clipped.Y), y1 = Math.Min(band.Y0 + band.Rows, clipped.Bottom);
                    for (int y = y0; y < y1; y++)
                    {
                        int oy = rowMap[y - clipped.Y];
                        if (window.IsRescaled)
                            for (int i = 0; i < clipped.Width; i++) rowWeights[i] = wy[oy] * wx[columnMap[i]];
                        else Scale(rowWeights, wx.AsSpan(columnMap[0], clipped.Width), wy[oy]);
                        int offset = (y - band.Y0) * grid.Width + clipped.X;
                        if (classIds.IsEmpty) AccumulateScores(band, offset, scores, window, oy, columnMap, rowWeights, gathered);
                        else AccumulateVotes(band, offset, classIds.Slice(oy * window.OutputWidth, window.OutputWidth), columnMap, rowWeights);
                    }
                    complete = --band.Pending == 0;
                }
                if (complete) Write(band);
            }
        }
        catch
        {
            failed = true;
            throw;
        }
        Interlocked.Decrement(ref remainingWindows);
    }

    private void AccumulateScores(RowBand band, int offset, ReadOnlySpan<float> scores, GridWindow window, int oy,
        int[] columnMap, float[] rowWeights, float[] gathered)
    {
        int plane = window.OutputWidth * window.OutputHeight, n = rowWeights.Length;
        bool contiguous = !window.IsRescaled;
        for (int c = 0; c < options.Channels; c++)
        {
            var sourceRow = scores.Slice(c * plane + oy * window.OutputWidth, window.OutputWidth);
            ReadOnlySpan<float> values;
            if (contiguous) values = sourceRow.Slice(columnMap[0], n);
            else
            {
                for (int i = 0; i < n; i++) gathered[i] = sourceRow[columnMap[i]];
                values = gathered;
            }
            MultiplyAdd(band.Scores.AsSpan((c * band.Rows * grid.Width) + offset, n), values, rowWeights);
        }
        Add(band.Weights.AsSpan(offset, n), rowWeights);
    }

    private void AccumulateVotes(RowBand band, int offset, ReadOnlySpan<byte> idRow, int[] columnMap, float[] rowWeights)
    {
        int channelStride = band.Rows * grid.Width;
        var scores = band.Scores!;
        var weights = band.Weights!;
        for (int i = 0; i < rowWeights.Length; i++)
        {
            int id = idRow[columnMap[i]];
            if (id >= options.Channels) continue;
            scores[id * channelStride + offset + i] += rowWeights[i];
            weights[offset + i] += rowWeights[i];
        }
    }

    private static void MultiplyAdd(Span<float> accumulator, ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i <= accumulator.Length - width; i += width)
                (new Vector<float>(accumulator[i..]) + new Vector<float>(values[i..]) * new Vector<float>(weights[i..])).CopyTo(accumulator[i..]);
        }
        for (; i < accumulator.Length; i++) accumulator[i] += values[i] * weights[i];
    }

    private static void Add(Span<float> accumulator, ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (int width = Vector<float>.Count; i <= accumulator.Length - width; i += width)
                (new Vector<float>(accumulator[i..]) + new Vector<float>(values[i..])).CopyTo(accumulator[i..]);
        for (; i < accumulator.Length; i++) accumulator[i] += values[i];
    }

    private static void Scale(Span<float> destination, ReadOnlySpan<float> values, float factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (int width = Vector<float>.Count; i <= destination.Length - width; i += width)
                (new Vector<float>(values[i..]) * factor).CopyTo(destination[i..]);
        for (; i < destination.Length; i++) destination[i] = values[i] * factor;
    }

    /// <summary>For each source column/row of the clipped window, the output pixel (nearest) that covers it.</summary>
    private static (int[] Columns, int[] Rows) SourceToOutput(GridWindow window, PixelWindow clipped)
    {
        static int[] Map(int start, int count, int windowStart, int sourceLength, int outputLength)
        {
            var map = new int[count];
            for (int i = 0; i < count; i++)
            {
                int local = start + i - windowStart;
                map[i] = sourceLength == outputLength ? local
                    : Math.Min(outputLength - 1, (int)((local + 0.5) * outputLength / sourceLength));
            }
            return map;
        }
        return (Map(clipped.X, clipped.Width, window.Source.X, window.Source.Width, window.OutputWidth),
                Map(clipped.Y, clipped.Height, window.Source.Y, window.Source.Height, window.OutputHeight));
    }

    private void MarkArrived(GridWindow window)
    {
        if (window.Index < 0 || window.Index >= windows.Length || windows[window.Index] != window)
            throw new ArgumentException($"Window #{window.Index} {window.Source} is not one of this stitcher's windows.");
        lock (arrived)
        {
            if (arrived[window.Index]) throw new InvalidOperationException($"Window #{window.Index} {window.Source} arrived twice.");
            arrived[window.Index] = true;
        }
    }

    private void EnsureBuffers(RowBand band)
    {
        if (band.Scores is not null) return;
        long scoreLength = (long)options.Channels * bandHeight * grid.Width, weightLength = (long)bandHeight * grid.Width;
        band.Scores = scorePool.TryTake(out var s) ? s : new float[scoreLength];
        band.Weights = weightPool.TryTake(out var w) ? w : new float[weightLength];
        var held = Interlocked.Add(ref bufferedBytes, (scoreLength + weightLength) * sizeof(float));
        long peak;
        while (held > (peak = Interlocked.Read(ref peakBufferedBytes)) && Interlocked.CompareExchange(ref peakBufferedBytes, held, peak) != peak) { }
    }

    private void Write(RowBand band)
    {
        lock (writeGate)
        {
            if (band.Written) return;
            int n = band.Rows * grid.Width;
            var window = new PixelWindow(0, band.Y0, grid.Width, band.Rows);
            var valid = ValidMask(window, n);
            var weights = band.Weights;
            var scores = band.Scores;
            int stride = n;
            if (classWriter is not null || options.ClassSink is not null)
            {
                var ids = classBuffer ??= new byte[(long)bandHeight * grid.Width];
                for (int p = 0; p < n; p++)
                    ids[p] = weights is null || weights[p] <= 0 || (valid is not null && valid[p] == 0) ? options.ClassNoData : ArgMax(scores!, p, stride, weights[p]);
                classWriter?.Write<byte>(window, [1], ids.AsSpan(0, n));
                options.ClassSink?.Invoke(window, ids.AsSpan(0, n));
            }
            if (probabilityWriter is not null) WriteProbabilities(window, n, scores, weights, valid);
            band.Written = true;
            if (scores is not null)
            {
                Array.Clear(scores);
                Array.Clear(weights!);
                scorePool.Add(scores);
                weightPool.Add(weights!);
                band.Scores = band.Weights = null;
                Interlocked.Add(ref bufferedBytes, -(long)(scores.Length + weights!.Length) * sizeof(float));
            }
        }
    }

    private void WriteProbabilities(PixelWindow window, int n, float[]? scores, float[]? weights, byte[]? valid)
    {
        int channels = options.Channels;
        var bands = Enumerable.Range(1, channels).ToArray();
        var probabilities = probabilityBuffer ??= new float[(long)channels * bandHeight * grid.Width];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < n; p++)
                probabilities[c * n + p] = weights is null || weights[p] <= 0 || (valid is not null && valid[p] == 0)
                    ? float.NaN : scores![c * n + p] / weights[p];
        if (options.ProbabilityEncoding == ProbabilityEncoding.Float32)
        {
            probabilityWriter!.Write<float>(window, bands, probabilities.AsSpan(0, channels * n));
            return;
        }
        var bytes = probabilityBytes ??= new byte[probabilities.Length];
        for (int i = 0; i < channels * n; i++)
            bytes[i] = float.IsNaN(probabilities[i]) ? (byte)255 : (byte)MathF.Round(Math.Clamp(probabilities[i], 0f, 1f) * 254f);
        probabilityWriter!.Write<byte>(window, bands, bytes.AsSpan(0, channels * n));
    }

    private byte ArgMax(float[] scores, int p, int stride, float weight)
    {
        if (options.Channels == 1) return (byte)(scores[p] / weight >= 0.5f ? 1 : 0);
        int best = 0;
        float bestScore = scores[p];
        for (int c = 1; c < options.Channels; c++)
        {
            var s = scores[c * stride + p];
            if (s > bestScore) { bestScore = s; best = c; }
        }
        return (byte)best;
    }

    private byte[]? ValidMask(PixelWindow window, int n)
    {
        var others = otherNodataSources.Where(r => !r.AllValid(BandsOf(r))).ToList();
        if (nodataSource is null && others.Count == 0) return null;
        var mask = validBuffer ??= new byte[(long)bandHeight * grid.Width];
        if (nodataSource is null) mask.AsSpan(0, n).Fill(1);
        else nodataSource.ReadValidMask(window, nodataBands, mask.AsSpan(0, n));
        foreach (var other in others)
        {
            var otherMask = otherValidBuffer ??= new byte[(long)bandHeight * grid.Width];
            other.ReadValidMask(window, BandsOf(other), otherMask.AsSpan(0, n));
            for (int p = 0; p < n; p++) mask[p] &= otherMask[p];
        }
        return mask;
    }

    private int[] BandsOf(Raster raster) => options.NodataBands ?? raster.AllBands();

    /// <summary>Checks every window arrived, then finishes the files (COG conversion if asked) and renames them into place.</summary>
    public void Complete()
    {
        if (failed) throw new InvalidOperationException("The stitcher failed earlier; its outputs were not written.");
        if (RemainingWindows > 0)
        {
            int first = Array.IndexOf(arrived, false);
            throw new InvalidOperationException($"{RemainingWindows} of {windows.Length} windows never arrived (first missing: #{first} {windows[first].Source}).");
        }
        lock (writeGate)
        {
            foreach (var band in rowBands.Where(b => !b.Written)) Write(band);
            classWriter?.Commit();
            probabilityWriter?.Commit();
        }
    }

    public void Dispose()
    {
        classWriter?.Dispose();
        probabilityWriter?.Dispose();
        nodataSource?.Dispose();
        foreach (var other in otherNodataSources) other.Dispose();
    }
}
