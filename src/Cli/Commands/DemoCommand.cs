using System.CommandLine;
using GeoDense.Geo;

namespace GeoDense.Cli.Commands;

/// <summary>
/// Provisional `geodense demo`: writes a small georeferenced synthetic scene (UTM 33N) and its preview under
/// ./demo-output/ and prints its facts. The end-to-end segmentation demo replaces it once the models land.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Output folder.", DefaultValueFactory = _ => "demo-output" };
        var command = new Command("demo", "Run the end-to-end demo on synthetic data (writes ./demo-output/).");
        command.Options.Add(output);
        // CliErrors.Run here too: System.CommandLine's own handler would turn input errors into exit code 1.
        command.SetAction(parseResult => CliErrors.Run(() =>
        {
            var folder = Path.GetFullPath(parseResult.GetValue(output)!);
            Directory.CreateDirectory(folder);
            var scene = Path.Combine(folder, "demo-scene.tif");
            SyntheticScene.Write(scene, new SyntheticSceneOptions(1024, 768, Bands: 3, Epsg: 32633, Tiff: GeoTiffOptions.CloudOptimized));
            using var raster = Raster.Open(scene);
            var preview = Path.Combine(folder, "demo-scene.png");
            PngPreview.WriteRgb(raster, preview);
            Console.Write(raster.Describe().ToText());
            Console.WriteLine($"Wrote {scene}");
            Console.WriteLine($"Wrote {preview}");
            return 0;
        }));
        return command;
    }
}
