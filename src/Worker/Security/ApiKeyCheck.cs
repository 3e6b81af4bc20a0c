using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Security;

/// <summary>
/// The API key on every request but the health probes: `X-Api-Key: K` or `Authorization: Bearer K`, compared in
/// constant time (hashes of equal length, then <see cref="CryptographicOperations.FixedTimeEquals"/>), so the time
/// of a refusal says nothing about how much of a guess was right. The key itself is never logged.
/// </summary>
public sealed class ApiKeyCheck(IOptions<WorkerOptions> options)
{
    static readonly string[] OpenPaths = ["/healthz", "/readyz"];

    readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey
        ?? throw new WorkerConfigException("no API key: set GEODENSE_API_KEY or worker.api_key")));

    public static bool IsOpen(PathString path) => OpenPaths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    public bool Accepts(HttpRequest request)
    {
        string? presented = request.Headers["X-Api-Key"].FirstOrDefault();
        if (presented is null && request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            presented = auth["Bearer ".Length..].Trim();
        if (string.IsNullOrEmpty(presented)) return false;
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected);
    }

    /// <summary>401 before anything else runs (the dashboard included), unless the path is a health probe.</summary>
    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (IsOpen(context.Request.Path) || Accepts(context.Request))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsJsonAsync(new { error = "missing or wrong API key: send X-Api-Key or Authorization: Bearer" });
    }
}

/// <summary>The dashboard asks the same key again: Hangfire's own default would let any local request in.</summary>
public sealed class DashboardApiKeyFilter(ApiKeyCheck check) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => check.Accepts(context.GetHttpContext().Request);
}
