using System.Net;

namespace GeoDense.Worker.Api;

/// <summary>
/// A request the worker refuses, with its HTTP status (400 bad request, 403 path outside the roots, 404, 409, 413, 429)
/// and one line saying what to change. Part of the user-error family, so nothing about it is an internal error.
/// </summary>
public sealed class ApiProblem(HttpStatusCode status, string message) : InputException(message)
{
    public HttpStatusCode Status { get; } = status;

    public static ApiProblem BadRequest(string message) => new(HttpStatusCode.BadRequest, message);
    public static ApiProblem Forbidden(string message) => new(HttpStatusCode.Forbidden, message);
    public static ApiProblem NotFound(string message) => new(HttpStatusCode.NotFound, message);
    public static ApiProblem Conflict(string message) => new(HttpStatusCode.Conflict, message);
    public static ApiProblem TooLarge(string message) => new(HttpStatusCode.RequestEntityTooLarge, message);
    public static ApiProblem TooMany(string message) => new(HttpStatusCode.TooManyRequests, message);
}
