using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using GeoDense.Tasks.Reports;

namespace GeoDense.Cli.Commands;

/// <summary>
/// `geodense view DIR`: serves a run's output folder on loopback so its results page (index.html) opens in any browser,
/// with range requests for the COGs. Runs until Ctrl-C.
/// </summary>
public static class ViewCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "An output folder of geodense segment|detect|change|demo (holds index.html)." };
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => 8765 };
        var command = new Command("view", "Serve a run's results page (a map of its inputs and outputs) on http://127.0.0.1.") { dir, port };
        command.SetAction(parse => CliErrors.Run(() => Serve(parse.GetValue(dir)!, parse.GetValue(port))));
        return command;
    }

    static int Serve(DirectoryInfo dir, int port)
    {
        if (!dir.Exists) throw new UserInputException($"{dir}: no such folder");
        if (!File.Exists(Path.Combine(dir.FullName, ResultsPage.FileName)))
            throw new UserInputException($"{dir}: has no {ResultsPage.FileName}; give the --output folder of a geodense segment|detect|change|demo run");
        if (port is < 0 or > 65535) throw new UserInputException($"--port: {port} is not a port number (0..65535)");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var files = new PhysicalFileProvider(dir.FullName);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".geojson"] = "application/geo+json";
        types.Mappings[".gpkg"] = "application/geopackage+sqlite3";
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types, ServeUnknownFileTypes = true });
        try { app.StartAsync(Interruption.Token).GetAwaiter().GetResult(); }
        catch (IOException e) { throw new UserInputException($"--port {port}: cannot listen on 127.0.0.1 ({e.Message}); choose another port"); }
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"serving {dir.FullName} at {url}/ (Ctrl-C stops)");
        try { Task.Delay(Timeout.Infinite, Interruption.Token).GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { }
        app.StopAsync().GetAwaiter().GetResult();
        return 0;
    }
}
