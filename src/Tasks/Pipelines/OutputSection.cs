namespace GeoDense.Tasks.Pipelines;

/// <summary>`output`: the files a prediction writes; which formats a task supports is the task record's <see cref="Pipeline.SupportedFormats"/>.</summary>
public sealed record OutputSection
{
    /// <summary>
    /// Rasters: cog (else a plain tiled geotiff), geotiff, probabilities (per-class score GeoTIFF); vectors: geojson, gpkg,
    /// shapefile (alias shp); png (a preview).
    /// </summary>
    public List<string> Formats { get; init; } = ["cog"];

    /// <summary>Every format a dense (per-pixel) task can write.</summary>
    public static IReadOnlyList<string> DenseFormats { get; } = ["cog", "geotiff", "probabilities", "geojson", "gpkg", "shapefile", "shp", "png"];

    /// <summary>Formats of polygons or boxes: detections are vectors only.</summary>
    public static IReadOnlyList<string> VectorFormats { get; } = ["geojson", "gpkg", "shapefile", "shp"];

    internal void Check(PipelineProblems p, string at, IReadOnlyList<string> supported)
    {
        foreach (var format in Formats) p.OneOf($"{at}.formats", format, supported);
    }
}
