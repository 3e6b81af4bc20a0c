using System.CommandLine;
using GeoDense.Worker;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense worker`: the hosted job service (HTTP API + Hangfire); see docs/worker.md.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen (default http://127.0.0.1:8080)." };
        var dataRoot = new Option<string?>("--data-root") { Description = "Folder request paths are relative to (and confined to, unless worker.roots says more)." };
        var config = new Option<FileInfo?>("--config") { Description = "The worker's settings file (an example: pipelines/worker.yaml)." };
        var threads = PipelineOptions.Threads();
        var command = new Command("worker", "Run the hosted worker service: job API, shards on Hangfire (SQLite or PostgreSQL).")
            { urls, dataRoot, config, threads };
        command.SetAction(parse => CliErrors.Run(() =>
            WorkerHost.RunAsync(new WorkerArguments(parse.GetValue(urls), parse.GetValue(dataRoot), parse.GetValue(config)?.FullName,
                parse.GetValue(threads)), Interruption.Token).GetAwaiter().GetResult()));
        return command;
    }
}
