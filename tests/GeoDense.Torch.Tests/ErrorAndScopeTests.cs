using static GeoDense.Torch.Tests.Assertions;

namespace GeoDense.Torch.Tests;

public class ErrorAndScopeTests
{
    [Fact]
    public void NativeErrorBecomesExceptionWithLibtorchMessageAndProcessSurvives()
    {
        using var scope = TorchRuntime.NewScope();
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(4, 5);
        var ex = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("cannot be multiplied", ex.Message);
        Assert.Contains("2x3 and 4x5", ex.Message);
        Assert.Throws<TorchException>(() => a.View(7));
        Assert.Throws<TorchException>(() => a + b);
        // Still fully usable afterwards.
        Close([6], a.Add(1).Sum().Reshape(1));
    }

    [Fact]
    public void UsingADisposedTensorThrowsInsteadOfCrashing()
    {
        var t = Tensor.Ones(2);
        t.Dispose();
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.Add(1));
    }

    [Fact]
    public void ScopeDisposesEverythingCreatedInside()
    {
        Tensor inner, kept;
        using (TorchRuntime.NewScope())
        {
            inner = Tensor.Ones(3);
            var doubled = inner * 2;
            kept = (doubled + 1).MoveToOuter();
            Assert.Equal(2, DisposeScope.Current!.Count);
        }
        Assert.True(inner.IsDisposed);
        Assert.False(kept.IsDisposed);
        Close([3, 3, 3], kept);
        kept.Dispose();
    }

    [Fact]
    public void MoveToOuterHandsResultToEnclosingScope()
    {
        Tensor result;
        using (var outer = TorchRuntime.NewScope())
        {
            using (TorchRuntime.NewScope())
            {
                result = (Tensor.Ones(2) * 5).MoveToOuter();
            }
            Assert.False(result.IsDisposed);
            Assert.Equal(1, outer.Count);
        }
        Assert.True(result.IsDisposed);
    }

    [Fact]
    public void ScopesMustCloseInnermostFirst()
    {
        var outer = TorchRuntime.NewScope();
        var inner = TorchRuntime.NewScope();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.Null(DisposeScope.Current);
    }
}

/// <summary>Measures process RSS, so it runs alone (no other test allocating meanwhile).</summary>
[Collection(SerialCollection.Name)]
public class MemoryTests
{
    [Fact]
    public void HundredThousandScopedCyclesKeepResidentMemoryFlat()
    {
        static void Cycles(int n)
        {
            for (var i = 0; i < n; i++)
            {
                using var scope = TorchRuntime.NewScope();
                var t = Tensor.Zeros(256);
                var u = t + 1;
                u.Mul_(2);
            }
        }

        Cycles(100_000); // warm up allocator arenas and JIT
        var before = ResidentBytes();
        Cycles(100_000);
        var after = ResidentBytes();
        // 100k leaked tensors of 1 KiB would add ~200 MB; allow a small amount of allocator noise.
        Assert.True(after - before < 16L << 20, $"RSS grew by {(after - before) >> 20} MiB over 100k cycles");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * Environment.SystemPageSize;
    }
}
