using System.Globalization;
using System.Text;
using GeoDense.Worker.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GeoDense.Worker.Api;

/// <summary>/healthz (the process answers), /readyz (database reachable, native libraries load), /metrics (Prometheus text).</summary>
public static class OperationsEndpoints
{
    public static void MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n")).WithSummary("Liveness: the process answers");
        app.MapGet("/readyz", (JobStore store) =>
        {
            try
            {
                store.Ping();
                // a model needs libtorch and GDAL: a broken image fails here, not on its first shard
                _ = GeoDense.Torch.TorchRuntime.TorchVersion;
                _ = GeoDense.Geo.GdalInfo.Version;
                return Results.Text("ready\n");
            }
            catch (Exception e)
            {
                return Results.Text($"not ready: {e.GetType().Name}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithSummary("Readiness: job storage reachable, models loadable");
        app.MapGet("/metrics", (JobService jobs, JobStorage storage, WorkerMetrics metrics) =>
        {
            var text = new StringBuilder();
            void Metric(string name, string type, string help, IEnumerable<(string Labels, double Value)> values)
            {
                text.Append($"# HELP {name} {help}\n# TYPE {name} {type}\n");
                foreach (var (labels, value) in values) text.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            Metric("geodense_jobs", "gauge", "Jobs in the shared store by state.",
                jobs.CountByState().Select(s => ($"{{state=\"{s.Key}\"}}", (double)s.Value)));
            var monitoring = storage.GetMonitoringApi();
            Metric("geodense_queue_depth", "gauge", "Hangfire jobs waiting per queue.",
                new[] { "shards", "assembly" }.Select(q => ($"{{queue=\"{q}\"}}", (double)monitoring.EnqueuedCount(q))));
            Metric("geodense_tiles_total", "counter", "Tiles inferred by this process.", [("", metrics.Tiles)]);
            Metric("geodense_tiles_per_second", "gauge", "Rate of the shard running in this process (0 when idle).", [("", metrics.TilesPerSecond)]);
            Metric("geodense_shards_total", "counter", "Shards finished by this process.", [("", metrics.Shards)]);
            Metric("geodense_shard_failures_total", "counter", "Shard attempts that failed in this process.", [("", metrics.ShardFailures)]);
            return Results.Text(text.ToString(), "text/plain; version=0.0.4");
        }).WithSummary("Prometheus metrics");
    }
}
