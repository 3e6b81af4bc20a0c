using GeoDense.Geo;
using Microsoft.Playwright;
using SkiaSharp;

namespace GeoDense.Cli.Tests;

/// <summary>
/// The results page of a real `geodense segment` run, opened in Debian's chromium through Playwright: straight from the
/// folder (file://, offline) and through `geodense view`. The page must load without console errors, show the input
/// and output layers, embed the polygons, and draw a map that is not blank.
/// </summary>
public class ResultsPageTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    static readonly string[] ChromiumFlags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    string SegmentedRun()
    {
        var input = files.PathOf("page-scene.tif");
        if (!File.Exists(input)) SyntheticScene.Write(input, new SyntheticSceneOptions(300, 200, 3, Epsg: 32633));
        var output = Directory.CreateTempSubdirectory("geodense-page-").FullName;
        var (code, stdout, stderr) = GeodenseProcess.Run("segment", "--pipeline", files.Pipeline, "--weights", files.Weights,
            "--input", input, "--output", output, "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains($"results page: {Path.Combine(output, "index.html")}", stdout);
        return output;
    }

    [Fact]
    public async Task The_page_of_a_segment_run_shows_its_layers_offline_and_through_geodense_view()
    {
        var output = SegmentedRun();
        try
        {
            Assert.True(File.Exists(Path.Combine(output, "page", "geodense-map.js")));
            var html = File.ReadAllText(Path.Combine(output, "index.html"));
            foreach (var file in new[] { "page-scene_classes.tif", "page-scene_classes.geojson", "page-scene_preview.png" })
                Assert.Contains($"href=\"{file}\"", html);
            Assert.Contains("impervious_surface", html); // the class legend

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumFlags,
            });
            await CheckPage(browser, new Uri(Path.Combine(output, "index.html")).AbsoluteUri);

            using var view = new RunningGeodense("view", output, "--port", "0");
            var line = view.WaitForLine(l => l.StartsWith("serving ", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var url = line.Split(" at ")[1].Split(' ')[0];
            await CheckPage(browser, url);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    static async Task CheckPage(IBrowser browser, string url)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 } });
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        page.Response += (_, r) => { if (r.Status >= 400) errors.Add($"{r.Status} {r.Url}"); };
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync("() => window.geodense !== undefined");
        await page.EvaluateAsync("() => window.geodense.rendered()");

        Assert.Equal(["input", "classes", "polygons"], await page.EvaluateAsync<string[]>("() => window.geodense.layerNames()"));
        Assert.True(await page.EvaluateAsync<int>("() => window.geodense.featureCount('polygons')") > 0, "no polygon reached the map");
        Assert.Equal(3, await page.Locator("#layers input[type=checkbox]").CountAsync());

        var shot = await page.Locator("#map").ScreenshotAsync();
        using var bitmap = SKBitmap.Decode(shot);
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 7)
            for (int x = 0; x < bitmap.Width; x += 7)
                colours.Add((uint)bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 50, $"{url}: the map looks blank ({colours.Count} colours)");
        Assert.True(errors.Count == 0, $"{url}: console errors:\n{string.Join('\n', errors)}");
        await page.CloseAsync();
    }
}
