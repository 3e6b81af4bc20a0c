using System.Globalization;
using System.Text.Json.Nodes;
using GeoDense.Geo;

namespace GeoDense.Tasks.Reports;

/// <summary>
/// Map layers for the results page, drawn from a run's rasters and features into the page's asset folder.
/// Overlays are decimated PNGs (as the previews), vectors are embedded as GeoJSON up to <see cref="MaxEmbeddedBytes"/>.
/// </summary>
public static class PageLayers
{
    /// <summary>
    /// Bigger vector layers stay links: a page that embeds tens of MB opens slowly, and parsing the file into a JSON tree
    /// to embed it costs the run several times its size in memory (a 16 MB GeoJSON of 38k detections added ~300 MB to
    /// a 20000² detect run's peak). 4 MB is about 10k detection polygons.
    /// </summary>
    public const long MaxEmbeddedBytes = 4L << 20;

    /// <summary>The map frame of <paramref name="raster"/>: its CRS and extent, or pixel space when it has no georeference.</summary>
    public static PageInput Input(string name, Raster raster, IReadOnlyList<PageLayer> layers) =>
        new(name, Georeferenced(raster) ? raster.SpatialReference!.ToString() : null, !Georeferenced(raster), ExtentOf(raster), layers);

    static bool Georeferenced(Raster raster) => raster.GeoTransform is not null && raster.SpatialReference is not null;

    /// <summary>minX, minY, maxX, maxY in the raster's CRS; in pixel space rows count downwards, so the map shows them at y = -row.</summary>
    static double[] ExtentOf(Raster raster)
    {
        if (!Georeferenced(raster)) return [0, -raster.Height, raster.Width, 0];
        var (minX, minY, maxX, maxY) = raster.GeoTransform!.Value.Bounds(raster.Width, raster.Height);
        return [minX, minY, maxX, maxY];
    }

    /// <summary>The raster's bands stretched to RGB (2-98 percentiles), as the input layer under the outputs.</summary>
    public static PageLayer Image(string outputDir, string stem, string name, Raster raster, int[]? bands = null)
    {
        var relative = Asset(stem, name, ".png");
        PngPreview.WriteRgb(raster, Path.Combine(outputDir, relative), bands);
        return new PageLayer(name, "image") { Src = relative, Extent = ExtentOf(raster) };
    }

    /// <summary>A class raster in its legend's colours, half transparent over the image.</summary>
    public static PageLayer Classes(string outputDir, string stem, string name, Raster classRaster, IReadOnlyList<string> classNames,
        IReadOnlyList<Rgb>? palette = null)
    {
        var relative = Asset(stem, name, ".png");
        PngPreview.WriteClassMap(classRaster, Path.Combine(outputDir, relative), classNames, palette, legend: false);
        return new PageLayer(name, "image") { Src = relative, Extent = ExtentOf(classRaster), Opacity = 0.6 };
    }

    /// <summary>
    /// A GeoJSON output of the run, outlined in class colours (property <c>class</c>, the class id
    /// <see cref="VectorWriter"/> writes) and embedded, unless it is too big to draw in a page.
    /// </summary>
    public static PageLayer Vectors(string outputDir, string geoJsonPath, string name, IReadOnlyList<Rgb> classColours)
    {
        var colours = classColours.Select((c, i) => (i, c))
            .ToDictionary(p => p.i.ToString(CultureInfo.InvariantCulture), p => new PageLegendEntry("", p.c).Hex);
        var layer = new PageLayer(name, "vector") { ColorBy = "class", Colors = colours };
        var relative = Path.GetRelativePath(outputDir, geoJsonPath);
        if (new FileInfo(geoJsonPath).Length > MaxEmbeddedBytes)
            return layer with { Note = $"too big to draw here; open {relative}" };
        return layer with { Features = JsonNode.Parse(File.ReadAllText(geoJsonPath)) };
    }

    /// <summary>
    /// Features the run keeps in memory (detections of an image without georeference have no vector output), written
    /// into the page folder by the one vector writer and embedded like <see cref="Vectors"/>.
    /// </summary>
    public static PageLayer Features(string outputDir, string stem, string name, IReadOnlyCollection<VectorFeature> features,
        SpatialReference? crs, IReadOnlyList<Rgb> classColours)
    {
        var path = Path.Combine(outputDir, Asset(stem, name, ".geojson"));
        VectorWriter.Write(path, features, crs, VectorFormat.GeoJson, layerName: name);
        return Vectors(outputDir, path, name, classColours);
    }

    /// <summary>The legend of a class list in the colours the layers use.</summary>
    public static PageLegend Legend(string title, IReadOnlyList<string> classNames, IReadOnlyList<Rgb>? palette = null)
    {
        var colours = palette ?? Palettes.Default(classNames.Count);
        return new PageLegend(title, classNames.Select((n, i) => new PageLegendEntry(n, colours[i])).ToList());
    }

    static string Asset(string stem, string name, string extension) =>
        $"{ResultsPage.AssetFolder}/{stem}.{string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'))}{extension}";
}
