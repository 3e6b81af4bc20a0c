using System.Net;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;

namespace GeoDense.Worker.Api;

/// <summary>
/// Exceptions into responses: an <see cref="ApiProblem"/> keeps its status, any other user error (a pipeline or raster
/// that cannot be used) is 400, an open circuit to the database 503, anything else 500 with no internals in the body.
/// Every body is `{"error": "one line"}`.
/// </summary>
public static class ErrorResponses
{
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        try { await next(context); }
        catch (Exception e) when (!context.Response.HasStarted && Map(e) is var (status, message))
        {
            context.Response.Clear();
            context.Response.StatusCode = (int)status;
            await context.Response.WriteAsJsonAsync(new { error = message });
        }
    }

    static (HttpStatusCode, string) Map(Exception e) => e switch
    {
        ApiProblem p => (p.Status, p.Message),
        InputException => (HttpStatusCode.BadRequest, e.Message.Split('\n')[0]),
        BrokenCircuitException => (HttpStatusCode.ServiceUnavailable, "the job database is unavailable; retry shortly"),
        BadHttpRequestException b => ((HttpStatusCode)b.StatusCode, "bad request"),
        _ => (HttpStatusCode.InternalServerError, "internal error; see the worker's log"),
    };
}
