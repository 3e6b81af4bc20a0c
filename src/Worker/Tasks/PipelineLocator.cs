using System.Text.RegularExpressions;
using GeoDense.Worker.Api;
using GeoDense.Worker.Security;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Tasks;

/// <summary>`"pipeline"` in a request: a bare name (`demo-segmentation`) is a shipped pipeline, anything else a file under the roots.</summary>
public sealed partial class PipelineLocator(IOptions<WorkerOptions> options, PathGuard guard)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex BareName();

    public string Folder { get; } = options.Value.PipelinesFolder is { } folder ? Path.GetFullPath(folder) : FindShipped();

    public string Resolve(string? pipeline)
    {
        if (string.IsNullOrWhiteSpace(pipeline)) throw ApiProblem.BadRequest("pipeline: missing; name a shipped pipeline or a file under the data root");
        if (BareName().IsMatch(pipeline) && !pipeline.Contains(".."))
        {
            var shipped = Path.Combine(Folder, pipeline.EndsWith(".yaml", StringComparison.Ordinal) ? pipeline : pipeline + ".yaml");
            if (File.Exists(shipped)) return shipped;
        }
        var path = guard.Resolve(pipeline, "pipeline");
        if (!File.Exists(path)) throw ApiProblem.BadRequest($"pipeline: '{pipeline}' is neither a shipped pipeline nor a file under the data root");
        return path;
    }

    /// <summary>pipelines/ beside the app (a container) or in the checkout above it.</summary>
    static string FindShipped()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "pipelines"))) return Path.Combine(dir.FullName, "pipelines");
        return Path.Combine(AppContext.BaseDirectory, "pipelines");
    }
}
