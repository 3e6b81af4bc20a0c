namespace GeoDense.Torch;

/// <summary>
/// Watches the shapes of the batches a predictor runs and returns the shim's cached CPU tensor blocks
/// (<see cref="TorchRuntime.ReleaseCachedCpuMemory"/>) when the shape changes: the blocks kept for one shape do not fit
/// another (a mosaic's last, smaller batch), and would sit beside its own, so that peak memory became both. Measured:
/// 20000² `segment` 518 -> 476 MB (docs/benchmarks.md). One per inference loop, on its thread.
/// </summary>
public sealed class BatchShapeWatch(Device device)
{
    private (int Count, int Height, int Width)? last;

    public void Next(int count, int height, int width)
    {
        if (!device.IsCuda && last is { } previous && previous != (count, height, width)) TorchRuntime.ReleaseCachedCpuMemory();
        last = (count, height, width);
    }
}
