namespace GeoDense.Torch.Tests;

/// <summary>Counts the allocator's cache, which every test's tensors pass through: run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(BatchShapeWatchTests), DisableParallelization = true)]
public sealed class AllocatorCacheCollection;

[Collection(nameof(BatchShapeWatchTests))]
public class BatchShapeWatchTests
{
    [Fact]
    public void CachedBlocksStayForTheSameShapeAndGoAtANewOne()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();   // no other test's tensor may be freed into the cache meanwhile
        TorchRuntime.ReleaseCachedCpuMemory();
        var watch = new BatchShapeWatch(Device.Cpu);

        watch.Next(4, 512, 512);
        Tensor.Ones(2L << 20).Dispose();   // 8 MB: freed into the cache
        watch.Next(4, 512, 512);
        Assert.Equal(8L << 20, TorchRuntime.ReleaseCachedCpuMemory());   // kept for the next batch of that shape

        Tensor.Ones(2L << 20).Dispose();
        watch.Next(1, 512, 512);           // the mosaic's last, smaller batch
        Assert.Equal(0, TorchRuntime.ReleaseCachedCpuMemory());
    }
}
