namespace GeoDense.Worker;

/// <summary>This process's counters for /metrics (job counts by state come from the shared store).</summary>
public sealed class WorkerMetrics
{
    long tiles, shards, shardFailures;
    double tilesPerSecond;

    public long Tiles => Interlocked.Read(ref tiles);
    public long Shards => Interlocked.Read(ref shards);
    public long ShardFailures => Interlocked.Read(ref shardFailures);
    /// <summary>The running shard's rate (0 between shards).</summary>
    public double TilesPerSecond => Volatile.Read(ref tilesPerSecond);

    public void AddTiles(int count) => Interlocked.Add(ref tiles, count);
    public void ShardFinished() { Interlocked.Increment(ref shards); Volatile.Write(ref tilesPerSecond, 0); }
    public void ShardFailed() { Interlocked.Increment(ref shardFailures); Volatile.Write(ref tilesPerSecond, 0); }
    public void Rate(double perSecond) => Volatile.Write(ref tilesPerSecond, perSecond);
}
