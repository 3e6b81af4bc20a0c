using GeoDense.Geo;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace GeoDense.Worker.Jobs;

/// <summary>`worker.remote_io`: how the worker treats GDAL network paths (/vsis3/, /vsicurl/ ...) that the roots allow.</summary>
public sealed class RemoteIoOptions
{
    /// <summary>Attempts after the first when a read fails in a way a network can (a dropped connection, a 5xx).</summary>
    public int Retries { get; set; } = 4;
    /// <summary>First backoff; it doubles each attempt, with jitter so many workers do not retry in step.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest one attempt (a shard, a plan, an assembly) may take before it is cancelled and retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Open the circuit when this share of the calls in <see cref="SamplingDuration"/> failed (at least <see cref="MinimumThroughput"/> calls).</summary>
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 4;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>While open, remote work fails at once (the shard is retried later by Hangfire) instead of hammering the store.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Polly around work that reads or writes GDAL network paths: retry with exponential backoff and jitter, a timeout per
/// attempt (the work honours its token, so a stuck read stops at the next batch), and a circuit breaker shared by the
/// process. Local paths run as they are: a local read error is not something a retry fixes. Every piece of work it
/// wraps is idempotent (shards skip what is done, assemblies rewrite atomically), so repeating one is safe.
/// </summary>
public sealed class RemoteIo(RemoteIoOptions options)
{
    readonly ResiliencePipeline pipeline = Create(options);

    /// <summary>A GDAL virtual file system that goes over the network (not /vsimem/, /vsizip/ of a local file ...).</summary>
    public static bool IsRemote(string path) =>
        path.StartsWith("/vsi", StringComparison.OrdinalIgnoreCase) && Networked.Any(prefix => path.Contains(prefix, StringComparison.OrdinalIgnoreCase));

    static readonly string[] Networked = ["/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift", "/vsiwebhdfs", "/vsihdfs"];

    /// <summary>Errors a network causes and a retry may cure: GDAL and I/O failures, a failed open of a remote raster, a timed-out attempt.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        RasterInputException r => IsRemote(r.Path),
        InputException or OperationCanceledException => false,
        GdalException or IOException or HttpRequestException or TimeoutRejectedException => true,
        _ => false,
    };

    /// <summary>Runs <paramref name="body"/> through the pipeline when any of <paramref name="paths"/> is remote, else directly.</summary>
    public T Run<T>(IEnumerable<string> paths, Func<CancellationToken, T> body, CancellationToken cancellationToken) =>
        paths.Any(IsRemote) ? pipeline.Execute(body, cancellationToken) : body(cancellationToken);

    public static ResiliencePipeline Create(RemoteIoOptions options)
    {
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient, MaxRetryAttempts = options.Retries, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                Delay = options.Delay,
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient, FailureRatio = options.FailureRatio, MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration, BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.Timeout)
            .Build();
    }
}
