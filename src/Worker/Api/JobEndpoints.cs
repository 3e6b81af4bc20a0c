using System.Text.Json;
using GeoDense.Worker.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Api;

/// <summary>The job API: POST /jobs, GET /jobs, GET /jobs/{id}, DELETE /jobs/{id}, GET /jobs/{id}/result.</summary>
public static class JobEndpoints
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/jobs", async (HttpContext http, JobService jobs, IOptions<WorkerOptions> options) =>
        {
            var request = await ReadRequest(http.Request, options.Value.MaxRequestBytes);
            var id = jobs.Submit(request);
            return Results.Created($"/jobs/{id}", new { id });
        }).WithSummary("Submit a job: {task, pipeline, weights, inputs[] | pairs[], output}; returns its id")
          .Accepts<JobRequest>("application/json").Produces(StatusCodes.Status201Created);

        app.MapGet("/jobs", (JobService jobs, int? limit) => Results.Ok(jobs.List(Math.Clamp(limit ?? 100, 1, 1000))))
            .WithSummary("Jobs, newest first").Produces<IReadOnlyList<JobSummary>>();
        app.MapGet("/jobs/{id}", (string id, JobService jobs) => Results.Ok(jobs.Status(id)))
            .WithSummary("State, progress (tiles done/total, current input, ETA), errors, shards").Produces<JobStatus>();
        app.MapDelete("/jobs/{id}", (string id, JobService jobs) => Results.Ok(jobs.Cancel(id)))
            .WithSummary("Cancel a job; its running shard stops within one batch").Produces<JobStatus>();
        app.MapGet("/jobs/{id}/result", (string id, JobService jobs) => Results.Ok(jobs.Result(id)))
            .WithSummary("Manifest of the outputs of a succeeded job (409 before)").Produces<JobManifest>();
    }

    /// <summary>
    /// The body, read up to the limit: an oversize request is refused with 413 from its Content-Length before any of
    /// it is read, or as soon as a chunked body passes the limit.
    /// </summary>
    static async Task<JobRequest> ReadRequest(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit) throw ApiProblem.TooLarge($"request body is {request.ContentLength} bytes; the limit is {limit}");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > limit) throw ApiProblem.TooLarge($"request body is over the limit of {limit} bytes");
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonSerializer.Deserialize<JobRequest>(buffer.ToArray(), Json) ?? throw ApiProblem.BadRequest("body: empty; send a JSON job");
        }
        catch (JsonException e)
        {
            throw ApiProblem.BadRequest($"body: not a JSON job ({e.Message.Split('.')[0]})");
        }
    }
}
