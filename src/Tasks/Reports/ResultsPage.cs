using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GeoDense.IO;

namespace GeoDense.Tasks.Reports;

/// <summary>
/// Writes <c>index.html</c> into a run's output folder: an OpenLayers map of every input with its output layers
/// (bundled from web/ at setup, copied into <c>page/</c>, so the page works offline straight from the folder or
/// through <c>geodense view</c>), a layer switcher, legends, metrics tables, previews and a link to every file.
/// </summary>
public static class ResultsPage
{
    public const string FileName = "index.html";
    /// <summary>The page's own files (script, style, map overlays) live here, apart from the run's outputs.</summary>
    public const string AssetFolder = "page";

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // the default encoder escapes <, > and & too, so the JSON is safe inside a <script> element
    };

    public static string Write(string outputDir, ResultsReport report)
    {
        var assets = Path.Combine(outputDir, AssetFolder);
        Directory.CreateDirectory(assets);
        foreach (var asset in new[] { "geodense-map.js", "ol.css" })
            AtomicFile.Write(Path.Combine(assets, asset), stream => Resource(asset).CopyTo(stream));

        using var template = new StreamReader(Resource("page.html"));
        var html = template.ReadToEnd()
            .Replace("__TITLE__", Html(report.Title))
            .Replace("__SUBTITLE__", Html(report.Subtitle))
            .Replace("__LEGENDS__", Legends(report.Legends))
            .Replace("__SECTIONS__", Tables(report.Tables) + Previews(report.Previews) + Files(outputDir))
            .Replace("__RESULTS__", JsonSerializer.Serialize(new { report.Task, report.Inputs }, Json));
        var path = Path.Combine(outputDir, FileName);
        AtomicFile.WriteAllText(path, html);
        return path;
    }

    static Stream Resource(string name) =>
        typeof(ResultsPage).Assembly.GetManifestResourceStream($"GeoDense.Web.{name}")
        ?? throw new InvalidOperationException($"the results page asset {name} is not embedded: rebuild with ./geodense build (it bundles web/)");

    static string Html(string text) => WebUtility.HtmlEncode(text);

    static string Legends(IEnumerable<PageLegend> legends)
    {
        var s = new StringBuilder();
        foreach (var legend in legends)
        {
            s.Append($"<h2>{Html(legend.Title)}</h2>\n<div class=\"legend\">\n");
            foreach (var e in legend.Entries)
                s.Append($"<div class=\"legend-entry\"><span class=\"swatch\" style=\"background:{e.Hex}\"></span>{Html(e.Name)}</div>\n");
            s.Append("</div>\n");
        }
        return s.ToString();
    }

    static string Tables(IEnumerable<PageTable> tables)
    {
        var s = new StringBuilder();
        foreach (var table in tables)
        {
            s.Append($"<section><h2>{Html(table.Title)}</h2>\n<table><tr>");
            foreach (var c in table.Columns) s.Append($"<th>{Html(c)}</th>");
            s.Append("</tr>\n");
            foreach (var row in table.Rows)
            {
                s.Append("<tr>");
                foreach (var cell in row) s.Append($"<td>{Html(cell)}</td>");
                s.Append("</tr>\n");
            }
            s.Append("</table></section>\n");
        }
        return s.ToString();
    }

    static string Previews(IReadOnlyList<PageFigure> figures)
    {
        if (figures.Count == 0) return "";
        var s = new StringBuilder("<section><h2>Previews</h2>\n<div class=\"previews\">\n");
        foreach (var f in figures)
            s.Append($"<figure><a href=\"{Href(f.Path)}\"><img src=\"{Href(f.Path)}\" alt=\"{Html(f.Caption)}\"></a><figcaption>{Html(f.Caption)}</figcaption></figure>\n");
        return s.Append("</div></section>\n").ToString();
    }

    /// <summary>Every file of the run (the page's own assets aside), so nothing written is out of reach.</summary>
    static string Files(string outputDir)
    {
        var files = Directory.EnumerateFiles(outputDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(outputDir, f).Replace('\\', '/'))
            .Where(f => f != FileName && !f.StartsWith(AssetFolder + "/", StringComparison.Ordinal) && !f.Contains("/.") && !f.StartsWith('.'))
            .Order(StringComparer.Ordinal).ToList();
        var s = new StringBuilder("<section><h2>Files</h2>\n<ul class=\"files\">\n");
        foreach (var f in files)
            s.Append($"<li><a href=\"{Href(f)}\">{Html(f)}</a> ({Size(new FileInfo(Path.Combine(outputDir, f)).Length)})</li>\n");
        return s.Append("</ul></section>\n").ToString();
    }

    static string Href(string relative) => string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));

    static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes / (1024.0 * 1024):F1} MiB",
    };
}
