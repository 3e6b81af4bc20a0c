namespace GeoDense.Geo;

/// <summary>
/// One output block's accumulators: C planes of weighted score sums and one plane of weight sums over the block's own
/// area (row stride = its width), resident in memory or parked in the scratch file.
/// </summary>
internal sealed class StitchBlock(PixelWindow area, int pending)
{
    public readonly PixelWindow Area = area;
    /// <summary>Windows still to arrive that cover this block; it is written when this reaches 0.</summary>
    public int Pending = pending;
    public float[]? Scores, Weights;
    /// <summary>The scratch slot holding its accumulators while not resident; -1 when none.</summary>
    public long Slot = -1;
    public bool Written;
    /// <summary>Its place in the residency order while resident.</summary>
    public LinkedListNode<StitchBlock>? Resident;
}

/// <summary>
/// The 2-D output blocks of a stitch and which of them are in memory. At most <c>capacity</c> blocks hold accumulators
/// at once; touching one more parks the least recently used block in the scratch file, bit for bit, and it comes back
/// when a window touches it again. Windows arrive row by row, so the unfinished blocks form a frontier as wide as the
/// raster: kept in memory while it fits the budget, parked beyond it, so memory no longer grows with width or height.
/// Not thread-safe: the stitcher calls it under its lock.
/// </summary>
internal sealed class StitchBlocks : IDisposable
{
    private readonly int channels, capacity;
    private readonly LinkedList<StitchBlock> resident = new();
    private readonly Stack<float[]> scorePool = new(), weightPool = new();
    private readonly StitchScratch scratch;
    private long bufferedBytes;

    public int BlockSize { get; }
    public int Columns { get; }
    public StitchBlock[] All { get; }
    public long PeakBufferedBytes { get; private set; }
    public long PeakScratchBytes => scratch.Bytes;
    public int Spills { get; private set; }

    /// <param name="pending">windows covering each block, row-major</param>
    /// <param name="scratchBeside">a path in the folder the scratch file goes to (the output), used only if a block is parked</param>
    public StitchBlocks(int width, int height, int blockSize, int channels, int[] pending, long memoryBudget, int minimumResident, string scratchBeside)
    {
        BlockSize = blockSize;
        this.channels = channels;
        Columns = (width + blockSize - 1) / blockSize;
        int rows = (height + blockSize - 1) / blockSize;
        All = new StitchBlock[Columns * rows];
        for (int by = 0; by < rows; by++)
            for (int bx = 0; bx < Columns; bx++)
            {
                var area = new PixelWindow(bx * blockSize, by * blockSize, Math.Min(blockSize, width - bx * blockSize), Math.Min(blockSize, height - by * blockSize));
                All[by * Columns + bx] = new StitchBlock(area, pending[by * Columns + bx]);
            }
        long blockBytes = (channels + 1L) * blockSize * blockSize * sizeof(float);
        capacity = (int)Math.Max(minimumResident, Math.Min(int.MaxValue, memoryBudget / blockBytes));
        scratch = new StitchScratch(scratchBeside, (channels + 1) * blockSize * blockSize);
    }

    public StitchBlock At(int bx, int by) => All[by * Columns + bx];

    /// <summary>Makes <paramref name="block"/>'s accumulators resident (zeros the first time), most recently used.</summary>
    public void Touch(StitchBlock block)
    {
        if (block.Resident is not null)
        {
            resident.Remove(block.Resident);
            resident.AddLast(block.Resident);
            return;
        }
        while (resident.Count >= capacity) Park(resident.First!.Value);
        int plane = block.Area.Width * block.Area.Height;
        block.Scores = scorePool.TryPop(out var s) ? s : new float[channels * BlockSize * BlockSize];
        block.Weights = weightPool.TryPop(out var w) ? w : new float[BlockSize * BlockSize];
        if (block.Slot >= 0)
        {
            scratch.Load(block.Slot, block.Scores.AsSpan(0, channels * plane), block.Weights.AsSpan(0, plane));
            block.Slot = -1;
        }
        block.Resident = resident.AddLast(block);
        bufferedBytes += (long)(block.Scores.Length + block.Weights.Length) * sizeof(float);
        PeakBufferedBytes = Math.Max(PeakBufferedBytes, bufferedBytes);
    }

    /// <summary>Brings a parked block back (a block to be written must be resident); a block never touched stays without buffers.</summary>
    public void EnsureLoaded(StitchBlock block)
    {
        if (block.Slot >= 0) Touch(block);
    }

    /// <summary>Drops a written block's accumulators (zeroed, pooled for the next block).</summary>
    public void Release(StitchBlock block)
    {
        if (block.Resident is null) return;
        Evict(block);
    }

    private void Park(StitchBlock block)
    {
        int plane = block.Area.Width * block.Area.Height;
        block.Slot = scratch.Store(block.Scores.AsSpan(0, channels * plane), block.Weights.AsSpan(0, plane));
        Spills++;
        Evict(block);
    }

    private void Evict(StitchBlock block)
    {
        int plane = block.Area.Width * block.Area.Height;
        // only the used prefix was written to; the pooled buffer must be all zeros for the next block
        Array.Clear(block.Scores!, 0, channels * plane);
        Array.Clear(block.Weights!, 0, plane);
        scorePool.Push(block.Scores!);
        weightPool.Push(block.Weights!);
        bufferedBytes -= (long)(block.Scores!.Length + block.Weights!.Length) * sizeof(float);
        resident.Remove(block.Resident!);
        block.Resident = null;
        block.Scores = block.Weights = null;
    }

    /// <summary>Forgets the pooled buffers (once every block is written), so the collector can reclaim them.</summary>
    public void DropPools()
    {
        scorePool.Clear();
        weightPool.Clear();
    }

    public void Dispose() => scratch.Dispose();
}
