using GeoDense.Geo;
using GeoDense.Worker.Jobs;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GeoDense.Worker.Tests;

/// <summary>
/// The Polly pipeline around GDAL network paths, driven by a fake reader that fails on demand (no network here):
/// transient failures are retried, user errors and local paths are not, a stuck attempt times out, and a store that
/// keeps failing opens the circuit so later work fails at once.
/// </summary>
public sealed class RemoteIoTests
{
    const string Remote = "/vsis3/bucket/scene.tif";

    static RemoteIo Quick(int retries = 3, TimeSpan? timeout = null, int minimumThroughput = 100) => new(new RemoteIoOptions
    {
        Retries = retries, Delay = TimeSpan.FromMilliseconds(1), Timeout = timeout ?? TimeSpan.FromSeconds(30),
        MinimumThroughput = minimumThroughput, SamplingDuration = TimeSpan.FromMinutes(5), BreakDuration = TimeSpan.FromMinutes(5),
    });

    /// <summary>Fails its first <paramref name="failures"/> calls with <paramref name="error"/>, then reads.</summary>
    sealed class FlakyReader(int failures, Func<Exception> error)
    {
        public int Calls { get; private set; }

        public string Read(CancellationToken _)
        {
            Calls++;
            if (Calls <= failures) throw error();
            return "pixels";
        }
    }

    [Theory]
    [InlineData("/vsis3/bucket/a.tif", true)]
    [InlineData("/vsicurl/https://example.org/a.tif", true)]
    [InlineData("/vsizip//vsis3/bucket/a.zip/a.tif", true)]
    [InlineData("/vsimem/a.tif", false)]
    [InlineData("/data/a.tif", false)]
    public void Network_paths_are_told_from_local_and_in_memory_ones(string path, bool remote) => Assert.Equal(remote, RemoteIo.IsRemote(path));

    [Fact]
    public void Transient_failures_of_a_remote_read_are_retried_until_it_succeeds()
    {
        var reader = new FlakyReader(2, () => new GdalException("HTTP error code: 503"));
        Assert.Equal("pixels", Quick().Run([Remote], reader.Read, CancellationToken.None));
        Assert.Equal(3, reader.Calls);

        var opening = new FlakyReader(1, () => new RasterInputException(Remote, $"{Remote}: cannot open"));
        Assert.Equal("pixels", Quick().Run([Remote], opening.Read, CancellationToken.None));
        Assert.Equal(2, opening.Calls);
    }

    [Fact]
    public void Retries_are_bounded_and_the_last_error_surfaces()
    {
        var reader = new FlakyReader(int.MaxValue, () => new IOException("connection reset"));
        var error = Assert.Throws<IOException>(() => Quick(retries: 3).Run([Remote], reader.Read, CancellationToken.None));
        Assert.Equal("connection reset", error.Message);
        Assert.Equal(4, reader.Calls);
    }

    [Fact]
    public void User_errors_and_local_paths_are_not_retried()
    {
        var bad = new FlakyReader(int.MaxValue, () => new InputException("pipeline: bands 1,2,3 but the raster has 1"));
        Assert.Throws<InputException>(() => Quick().Run([Remote], bad.Read, CancellationToken.None));
        Assert.Equal(1, bad.Calls);

        var local = new FlakyReader(int.MaxValue, () => new IOException("disk error"));
        Assert.Throws<IOException>(() => Quick().Run(["/data/scene.tif"], local.Read, CancellationToken.None));
        Assert.Equal(1, local.Calls);
    }

    [Fact]
    public void An_attempt_that_hangs_is_cancelled_by_the_timeout_and_retried()
    {
        int calls = 0;
        var result = Quick(timeout: TimeSpan.FromMilliseconds(200)).Run([Remote], token =>
        {
            // the first attempt hangs until cancelled, as a stalled read stops at its next cancellation check
            if (++calls == 1) token.WaitHandle.WaitOne();
            token.ThrowIfCancellationRequested();
            return "pixels";
        }, CancellationToken.None);
        Assert.Equal("pixels", result);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void A_store_that_keeps_failing_opens_the_circuit_and_later_work_fails_at_once()
    {
        var remote = Quick(retries: 1, minimumThroughput: 4);
        var reader = new FlakyReader(int.MaxValue, () => new GdalException("HTTP error code: 500"));
        // two jobs of two attempts each: four failures in the sampling window open the circuit
        Assert.Throws<GdalException>(() => remote.Run([Remote], reader.Read, CancellationToken.None));
        Assert.ThrowsAny<Exception>(() => remote.Run([Remote], reader.Read, CancellationToken.None));
        int before = reader.Calls;
        Assert.Throws<BrokenCircuitException>(() => remote.Run([Remote], reader.Read, CancellationToken.None));
        Assert.Equal(before, reader.Calls);
    }
}
