using GeoDense.Tasks.Inference;
using GeoDense.Worker.Api;
using GeoDense.Worker.Jobs;
using GeoDense.Worker.Security;
using Microsoft.Extensions.Options;

namespace GeoDense.Worker.Tasks;

/// <summary>The paths of a request, each one checked by the <see cref="PathGuard"/>; no file has been opened yet.</summary>
/// <param name="Inputs">input patterns (`inputs[]`), or the pairs (`pairs[]`) for change detection</param>
public sealed record CheckedPaths(string Pipeline, string Weights, string Output, IReadOnlyList<string> Inputs,
    IReadOnlyList<(string Before, string After)> Pairs, string? Submission);

/// <summary>
/// What every task checks in a request, in the order that keeps a refused request from reading or writing anything:
/// first every path through the guard (<see cref="Paths"/>), then the files themselves (<see cref="ExpandInputs"/>).
/// </summary>
public sealed class RequestChecks(IOptions<WorkerOptions> options, PathGuard guard, PipelineLocator pipelines)
{
    readonly WorkerOptions config = options.Value;

    public string DataRoot => config.FullDataRoot;

    /// <param name="pairs">the task takes `pairs[]` (change detection) rather than `inputs[]`</param>
    public CheckedPaths Paths(JobRequest request, bool pairs)
    {
        var task = request.Task;
        int count;
        if (pairs)
        {
            if (request.Inputs is { Count: > 0 }) throw ApiProblem.BadRequest($"inputs: {task} takes pairs [{{before, after}}], not inputs");
            if (request.Pairs is not { Count: > 0 }) throw ApiProblem.BadRequest("pairs: give at least one {before, after} pair");
            count = request.Pairs.Count;
        }
        else
        {
            if (request.Pairs is { Count: > 0 }) throw ApiProblem.BadRequest($"pairs: {task} takes inputs, not pairs");
            if (request.Inputs is not { Count: > 0 }) throw ApiProblem.BadRequest("inputs: give at least one raster");
            count = request.Inputs.Count;
        }
        if (count > config.MaxInputsPerJob) throw ApiProblem.TooLarge($"{(pairs ? "pairs" : "inputs")}: {count}, at most {config.MaxInputsPerJob} per job");
        if (request.DotaSubmission is not null && task != "detection")
            throw ApiProblem.BadRequest("dotaSubmission: only detection jobs write a DOTA submission");

        var pipelinePath = pipelines.Resolve(request.Pipeline);
        var weights = guard.Resolve(request.Weights, "weights");
        var output = guard.Resolve(request.Output, "output");
        var submission = request.DotaSubmission is { } zip ? guard.Resolve(zip, "dotaSubmission") : null;
        foreach (var input in request.Inputs ?? [])
            if (input.StartsWith('@')) throw ApiProblem.BadRequest($"inputs: '{input}': list files are not accepted by the worker; list the rasters");
        var inputs = (request.Inputs ?? []).Select(i => guard.Resolve(i, "inputs")).ToList();
        var pairList = (request.Pairs ?? []).Select((p, i) => (guard.Resolve(p.Before, $"pairs[{i}].before"), guard.Resolve(p.After, $"pairs[{i}].after"))).ToList();
        return new CheckedPaths(pipelinePath, weights, output, inputs, pairList, submission);
    }

    public static void WeightsExist(CheckedPaths paths, JobRequest request)
    {
        if (!File.Exists(paths.Weights)) throw ApiProblem.BadRequest($"weights: '{request.Weights}' not found");
    }

    /// <summary>Globs and folders to rasters, each re-checked: a glob may have matched a symlink that leads out of the roots.</summary>
    public IReadOnlyList<InputItem> ExpandInputs(CheckedPaths paths)
    {
        var items = InputList.Expand(paths.Inputs);
        foreach (var item in items) guard.Resolve(item.Path, "inputs");
        return items;
    }
}
