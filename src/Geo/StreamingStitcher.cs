using System.Numerics;

namespace GeoDense.Geo;

/// <summary>
/// Blends per-window model outputs (C channels of scores, or class ids) into georeferenced GeoTIFFs while the windows
/// stream in. The output is cut into 2-D blocks (the GeoTIFF's tiles); a block is finished and written the moment the
/// last window covering it arrives. Blocks not finished yet keep their accumulators in memory up to
/// <see cref="StitcherOptions.MemoryBudget"/> and beyond it are parked in a scratch file next to the output
/// (<see cref="StitchBlocks"/>), so memory is a few tiles' worth whatever the raster's width and height.
/// Each pixel sums its windows' contributions in the order the windows arrive, with the same arithmetic wherever its
/// accumulators have been: where they live changes nothing in the result.
/// Windows may arrive in any order and from several threads (they are blended one at a time).
/// With <see cref="StitcherOptions.Resume"/>, a killed stitch is picked up where its last saved row of blocks ended.
/// </summary>
public sealed class StreamingStitcher : IDisposable
{
    private readonly RasterGrid grid;
    private readonly GridWindow[] windows;
    private readonly StitcherOptions options;
    private readonly StitchBlocks blocks;
    private readonly int blockSize;
    private readonly bool[] arrived;
    private readonly object gate = new();
    private readonly RasterWriter? classWriter, probabilityWriter;
    private readonly Raster? nodataSource;
    private readonly List<Raster> otherNodataSources = [];
    private readonly int[] nodataBands = [];
    private byte[]? classBuffer, validBuffer, otherValidBuffer;
    private float[]? probabilityBuffer;
    private byte[]? probabilityBytes;
    private int remainingWindows;
    private bool failed;
    /// <summary>The leading rows of blocks all written (and, when resumable, on disk and reported).</summary>
    private int savedBlockRows;

    public RasterGrid Grid => grid;
    public int RemainingWindows => Volatile.Read(ref remainingWindows);

    /// <summary>The most accumulator memory held at once (bytes): bounded by the budget, observable.</summary>
    public long PeakBufferedBytes { get { lock (gate) return blocks.PeakBufferedBytes; } }

    /// <summary>The size the scratch file grew to (bytes; 0 when every unfinished block fitted the budget).</summary>
    public long PeakScratchBytes { get { lock (gate) return blocks.PeakScratchBytes; } }

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
        blockSize = tiff.Tiled ? tiff.BlockSize : 256;

        int columns = (grid.Width + blockSize - 1) / blockSize, rows = (grid.Height + blockSize - 1) / blockSize;
        var pending = new int[columns * rows];
        var full = PixelWindow.Full(grid.Width, grid.Height);
        int widest = 1, tallest = 1;
        foreach (var w in this.windows)
        {
            var clipped = w.Source.Intersect(full);
            if (clipped.IsEmpty) throw new ArgumentException($"Window {w.Source} lies outside the {grid.Width}x{grid.Height} grid.");
            foreach (var (bx, by) in BlocksOf(clipped)) pending[by * columns + bx]++;
            (widest, tallest) = (Math.Max(widest, clipped.Width), Math.Max(tallest, clipped.Height));
        }
        // every block of one window must fit at once, with room for its neighbours along the row
        int perWindow = (widest / blockSize + 2) * (tallest / blockSize + 2);
        blocks = new StitchBlocks(grid.Width, grid.Height, blockSize, options.Channels, pending, options.MemoryBudget, 2 * perWindow, ScratchBeside(options));
        // the rows of blocks a killed run saved are in the reopened files already: never accumulated nor written again
        savedBlockRows = Math.Min(options.Resume?.FinishedBlockRows ?? 0, rows);
        foreach (var block in blocks.All.Take(savedBlockRows * columns)) block.Written = true;

        try
        {
            if (options.ClassPath is { } classPath) classWriter = OpenWriter(classPath, ClassSpec(grid, options), tiff, options.Resume);
            if (options.ProbabilityPath is { } probabilityPath) probabilityWriter = OpenWriter(probabilityPath, ProbabilitySpec(grid, options), tiff, options.Resume);
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
            lock (gate)
                foreach (var block in blocks.All.Where(b => b.Pending == 0)) Write(block);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static RasterSpec ClassSpec(RasterGrid grid, StitcherOptions options) => grid.ToSpec(1, RasterDataType.Byte, options.ClassNoData);

    private static RasterSpec ProbabilitySpec(RasterGrid grid, StitcherOptions options) => options.ProbabilityEncoding == ProbabilityEncoding.Float32
        ? grid.ToSpec(options.Channels, RasterDataType.Float32, double.NaN)
        : grid.ToSpec(options.Channels, RasterDataType.Byte, 255);

    private static RasterWriter OpenWriter(string path, RasterSpec spec, GeoTiffOptions tiff, StitchResume? resume) =>
        resume is { FinishedBlockRows: > 0 }
            ? RasterWriter.Reopen(path, spec, tiff) ?? throw new InvalidOperationException($"{path}: the unfinished file to resume is gone; check CanResume first.")
            : RasterWriter.Create(path, spec, tiff, resumable: resume is not null);

    /// <summary>
    /// Whether the files a killed stitch with these options left can be reopened (present, readable, of this grid);
    /// when not, the stitch starts over with <see cref="StitchResume.FinishedBlockRows"/> 0.
    /// </summary>
    public static bool CanResume(RasterGrid grid, StitcherOptions options)
    {
        var tiff = options.Tiff ?? GeoTiffOptions.Default;
        foreach (var (path, spec) in new[] { (options.ClassPath, ClassSpec(grid, options)), (options.ProbabilityPath, ProbabilitySpec(grid, options)) })
        {
            if (path is null) continue;
            using var writer = RasterWriter.Reopen(path, spec, tiff);
            if (writer is null || !EdgeBlocksReadable(writer.Raster, tiff.BlockSize, options.Resume?.FinishedBlockRows ?? 0)) return false;
        }
        return true;
    }

    /// <summary>
    /// GDAL reads a tile before writing part of it: the right and bottom edge blocks still to be written must decode
    /// (a kill while the file was being closed can leave one that does not), or writing them would fail.
    /// </summary>
    private static bool EdgeBlocksReadable(Raster raster, int blockSize, int finishedRows)
    {
        int columns = (raster.Width + blockSize - 1) / blockSize, rows = (raster.Height + blockSize - 1) / blockSize;
        var edges = new List<PixelWindow>();
        for (int by = finishedRows; by < rows; by++)
            for (int bx = 0; bx < columns; bx++)
            {
                var block = new PixelWindow(bx * blockSize, by * blockSize, Math.Min(blockSize, raster.Width - bx * blockSize), Math.Min(blockSize, raster.Height - by * blockSize));
                if (block.Width < blockSize || block.Height < blockSize) edges.Add(block);
            }
        try
        {
            foreach (var block in edges) raster.Read<byte>(block, raster.AllBands());
            return true;
        }
        catch (Exception e) when (e is GdalException or RasterInputException) { return false; }
    }

    /// <summary>Where parked accumulators go: <see cref="StitcherOptions.ScratchFolder"/>, else beside the output file on disk, else the temp folder.</summary>
    private static string ScratchBeside(StitcherOptions options)
    {
        var named = options.ClassPath ?? options.ProbabilityPath;
        var folder = options.ScratchFolder
            ?? (named is not null && !named.StartsWith("/vsi", StringComparison.Ordinal) ? Path.GetDirectoryName(Path.GetFullPath(named)) : null)
            ?? Path.GetTempPath();
        return Path.Combine(folder, (named is null ? "stitch" : Path.GetFileNameWithoutExtension(named)) + ".stitch-scratch");
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

    /// <summary>The blocks (column, row) a clipped window covers, row by row.</summary>
    private IEnumerable<(int X, int Y)> BlocksOf(PixelWindow clipped)
    {
        for (int by = clipped.Y / blockSize; by <= (clipped.Bottom - 1) / blockSize; by++)
            for (int bx = clipped.X / blockSize; bx <= (clipped.Right - 1) / blockSize; bx++)
                yield return (bx, by);
    }

    private void Add(GridWindow window, ReadOnlySpan<float> scores, ReadOnlySpan<byte> classIds)
    {
        lock (gate)
        {
            if (failed) throw new InvalidOperationException("The stitcher failed earlier; see the first exception.");
            MarkArrived(window);
            try
            {
                Blend(window, scores, classIds);
            }
            catch
            {
                failed = true;
                throw;
            }
            remainingWindows--;
        }
    }

    private void Blend(GridWindow window, ReadOnlySpan<float> scores, ReadOnlySpan<byte> classIds)
    {
        var clipped = window.Source.Intersect(PixelWindow.Full(grid.Width, grid.Height));
        var (columnMap, rowMap) = SourceToOutput(window, clipped);
        int overlap = options.Overlap ?? window.OutputWidth / 4;
        var wx = BlendWeights.Axis(options.Blend, window.OutputWidth, overlap, window.Source.X > 0, window.Source.Right < grid.Width);
        var wy = BlendWeights.Axis(options.Blend, window.OutputHeight, overlap, window.Source.Y > 0, window.Source.Bottom < grid.Height);
        var rowWeights = new float[clipped.Width];
        var gathered = new float[clipped.Width];
        int bx0 = clipped.X / blockSize, bx1 = (clipped.Right - 1) / blockSize;
        for (int by = Math.Max(clipped.Y / blockSize, options.Resume?.FinishedBlockRows ?? 0); by <= (clipped.Bottom - 1) / blockSize; by++)
        {
            for (int bx = bx0; bx <= bx1; bx++) blocks.Touch(blocks.At(bx, by));
            var rowsOfBlock = blocks.At(bx0, by).Area;
            int y0 = Math.Max(rowsOfBlock.Y, clipped.Y), y1 = Math.Min(rowsOfBlock.Bottom, clipped.Bottom);
            for (int y = y0; y < y1; y++)
            {
                int oy = rowMap[y - clipped.Y];
                if (window.IsRescaled)
                    for (int i = 0; i < clipped.Width; i++) rowWeights[i] = wy[oy] * wx[columnMap[i]];
                else Scale(rowWeights, wx.AsSpan(columnMap[0], clipped.Width), wy[oy]);
                for (int bx = bx0; bx <= bx1; bx++)
                {
                    var block = blocks.At(bx, by);
                    int x0 = Math.Max(block.Area.X, clipped.X), x1 = Math.Min(block.Area.Right, clipped.Right);
                    var run = new Run(block, (y - block.Area.Y) * block.Area.Width + x0 - block.Area.X, x0 - clipped.X, x1 - x0);
                    if (classIds.IsEmpty) AccumulateScores(run, scores, window, oy, columnMap, rowWeights, gathered);
                    else AccumulateVotes(run, classIds.Slice(oy * window.OutputWidth, window.OutputWidth), columnMap, rowWeights);
                }
            }
            for (int bx = bx0; bx <= bx1; bx++)
            {
                var block = blocks.At(bx, by);
                if (--block.Pending == 0) Write(block);
            }
        }
        SaveFinishedBlockRows();
    }

    /// <summary>
    /// When more leading rows of blocks are all written: flushes the files and reports the count, so that a kill from
    /// now on loses none of them. Called under the lock.
    /// </summary>
    private void SaveFinishedBlockRows()
    {
        int rows = blocks.All.Length / blocks.Columns, before = savedBlockRows;
        while (savedBlockRows < rows && RowWritten(savedBlockRows)) savedBlockRows++;
        if (options.Resume is null || savedBlockRows == before || savedBlockRows == rows) return;
        classWriter?.Checkpoint();
        probabilityWriter?.Checkpoint();
        options.Resume.BlockRowsSaved(savedBlockRows);
    }

    private bool RowWritten(int by)
    {
        for (int bx = 0; bx < blocks.Columns; bx++)
            if (!blocks.At(bx, by).Written) return false;
        return true;
    }

    /// <summary>
    /// A run of one output row inside one block: <paramref name="Offset"/> into the block's planes, <paramref name="First"/>
    /// the run's first column within the clipped window, <paramref name="Length"/> pixels.
    /// </summary>
    private readonly record struct Run(StitchBlock Block, int Offset, int First, int Length);

    private void AccumulateScores(Run run, ReadOnlySpan<float> scores, GridWindow window, int oy, int[] columnMap, float[] rowWeights, float[] gathered)
    {
        int windowPlane = window.OutputWidth * window.OutputHeight, n = run.Length;
        int plane = run.Block.Area.Width * run.Block.Area.Height;
        var weights = rowWeights.AsSpan(run.First, n);
        for (int c = 0; c < options.Channels; c++)
        {
            var sourceRow = scores.Slice(c * windowPlane + oy * window.OutputWidth, window.OutputWidth);
            ReadOnlySpan<float> values;
            if (!window.IsRescaled) values = sourceRow.Slice(columnMap[run.First], n);
            else
            {
                for (int i = 0; i < n; i++) gathered[i] = sourceRow[columnMap[run.First + i]];
                values = gathered.AsSpan(0, n);
            }
            MultiplyAdd(run.Block.Scores.AsSpan(c * plane + run.Offset, n), values, weights);
        }
        Add(run.Block.Weights.AsSpan(run.Offset, n), weights);
    }

    private void AccumulateVotes(Run run, ReadOnlySpan<byte> idRow, int[] columnMap, float[] rowWeights)
    {
        int plane = run.Block.Area.Width * run.Block.Area.Height;
        var scores = run.Block.Scores!;
        var weights = run.Block.Weights!;
        for (int i = 0; i < run.Length; i++)
        {
            int id = idRow[columnMap[run.First + i]];
            if (id >= options.Channels) continue;
            float w = rowWeights[run.First + i];
            scores[id * plane + run.Offset + i] += w;
            weights[run.Offset + i] += w;
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
        if (arrived[window.Index]) throw new InvalidOperationException($"Window #{window.Index} {window.Source} arrived twice.");
        arrived[window.Index] = true;
    }

    /// <summary>Writes a finished block (class ids, probabilities, the sink) and frees its accumulators. Called under the lock.</summary>
    private void Write(StitchBlock block)
    {
        if (block.Written) return;
        blocks.EnsureLoaded(block);
        var window = block.Area;
        int n = window.Width * window.Height;
        var valid = ValidMask(window, n);
        var weights = block.Weights;
        var scores = block.Scores;
        if (classWriter is not null || options.ClassSink is not null)
        {
            var ids = classBuffer ??= new byte[blockSize * blockSize];
            for (int p = 0; p < n; p++)
                ids[p] = weights is null || weights[p] <= 0 || (valid is not null && valid[p] == 0) ? options.ClassNoData : ArgMax(scores!, p, n, weights[p]);
            classWriter?.Write<byte>(window, [1], ids.AsSpan(0, n));
            options.ClassSink?.Invoke(window, ids.AsSpan(0, n));
        }
        if (probabilityWriter is not null) WriteProbabilities(window, n, scores, weights, valid);
        block.Written = true;
        blocks.Release(block);
    }

    private void WriteProbabilities(PixelWindow window, int n, float[]? scores, float[]? weights, byte[]? valid)
    {
        int channels = options.Channels;
        var bands = Enumerable.Range(1, channels).ToArray();
        var probabilities = probabilityBuffer ??= new float[channels * blockSize * blockSize];
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
        var mask = validBuffer ??= new byte[blockSize * blockSize];
        if (nodataSource is null) mask.AsSpan(0, n).Fill(1);
        else nodataSource.ReadValidMask(window, nodataBands, mask.AsSpan(0, n));
        foreach (var other in others)
        {
            var otherMask = otherValidBuffer ??= new byte[blockSize * blockSize];
            other.ReadValidMask(window, BandsOf(other), otherMask.AsSpan(0, n));
            for (int p = 0; p < n; p++) mask[p] &= otherMask[p];
        }
        return mask;
    }

    private int[] BandsOf(Raster raster) => options.NodataBands ?? raster.AllBands();

    /// <summary>Checks every window arrived, then finishes the files (COG conversion if asked) and renames them into place.</summary>
    public void Complete()
    {
        lock (gate)
        {
            if (failed) throw new InvalidOperationException("The stitcher failed earlier; its outputs were not written.");
            if (remainingWindows > 0)
            {
                int first = Array.IndexOf(arrived, false);
                throw new InvalidOperationException($"{remainingWindows} of {windows.Length} windows never arrived (first missing: #{first} {windows[first].Source}).");
            }
            foreach (var block in blocks.All.Where(b => !b.Written)) Write(block);
            // every accumulator is written: their memory goes back before the files' finishing (COG conversion) needs
            // its own; once per output file, not per in-memory stitch (evaluation stitches image after image)
            blocks.DropPools();
            if (classWriter is not null || probabilityWriter is not null) MemoryRelief.ReturnFreed();
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
        blocks.Dispose();
    }
}
