using System.Runtime.CompilerServices;

namespace GeoDense.Geo.Tests;

public class MemoryReliefTests
{
    /// <summary>A stage's large buffers, dropped when the stage ends; only weak references come back.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> AllocateAndDrop() =>
        Enumerable.Range(0, 8).Select(_ => new WeakReference(new float[1 << 20])).ToList();

    [Fact]
    public void BuffersAStageDroppedAreCollectedNotLeftForLater()
    {
        var dropped = AllocateAndDrop();
        MemoryRelief.ReturnFreed();
        Assert.All(dropped, w => Assert.False(w.IsAlive));
        MemoryRelief.ReturnFreed();   // twice in a row is harmless (the trim finds nothing to return)
    }
}
