using System.Data.Common;
using Hangfire.Storage;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace GeoDense.Worker.Jobs;

/// <summary>
/// Polly around the job store's database calls: retries with exponential backoff and jitter for transient failures (a
/// dropped connection, a lock held too long), a timeout per call, and a circuit breaker so a database that is down
/// gets a quick 503 instead of every request waiting out its retries.
/// </summary>
public static class StorageResilience
{
    public static ResiliencePipeline Create(TimeSpan? timeout = null)
    {
        var transient = new PredicateBuilder()
            .Handle<DbException>().Handle<IOException>().Handle<TimeoutException>()
            .Handle<DistributedLockTimeoutException>().Handle<TimeoutRejectedException>();
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient, MaxRetryAttempts = 4, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient, FailureRatio = 0.8, MinimumThroughput = 20, SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
            })
            .AddTimeout(timeout ?? TimeSpan.FromSeconds(30))
            .Build();
    }
}
