using System.CommandLine;
using GeoDense.Geo;

namespace GeoDense.Cli.Commands;

/// <summary>`geodense info RASTER [--json]`: size, bands, types, blocks, CRS, geotransform, nodata.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var raster = new Argument<string>("raster") { Description = "Any GDAL-readable raster path (file, /vsizip/, /vsicurl/, /vsis3/...)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("info", "Print a raster's size, bands, data types, blocks, CRS, geotransform and nodata.");
        command.Arguments.Add(raster);
        command.Options.Add(json);
        command.SetAction(parseResult => CliErrors.Run(() =>
        {
            var path = parseResult.GetValue(raster)!;
            if (string.IsNullOrWhiteSpace(path)) throw new UserInputException("info: the raster path is empty");
            using var opened = Raster.Open(path);
            // a truncated file is an error here too, not a description of pixels that are not there
            opened.CheckLastBlockReadable();
            var info = opened.Describe();
            Console.Write(parseResult.GetValue(json) ? info.ToJson() + Environment.NewLine : info.ToText());
            return 0;
        }));
        return command;
    }
}
