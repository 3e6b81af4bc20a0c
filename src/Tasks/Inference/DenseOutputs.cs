using GeoDense.Geo;

namespace GeoDense.Tasks.Inference;

/// <summary>
/// What the dense predictors (segmentation, change maps) share about their output files: the GeoTIFF layout asked by
/// `output.formats`, the vector formats among them, the blend of `tiling.blend`, and removing an input's outputs when
/// it fails part way (its outputs are all there or none is).
/// </summary>
public static class DenseOutputs
{
    // 256 x 256 blocks: the stitcher finishes and writes one output block at a time, so smaller blocks finish sooner.
    // `cog` converts to a cloud-optimised GeoTIFF with overviews at the end; `geotiff` keeps the tiled file as written.
    public static readonly GeoTiffOptions CogTiff = GeoTiffOptions.CloudOptimized with { BlockSize = 256 };
    public static readonly GeoTiffOptions PlainTiff = GeoTiffOptions.Default;

    /// <summary>The lower-cased `output.formats`.</summary>
    public static HashSet<string> Formats(IEnumerable<string> formats) => formats.Select(f => f.ToLowerInvariant()).ToHashSet();

    public static GeoTiffOptions Tiff(IReadOnlySet<string> formats) => formats.Contains("cog") ? CogTiff : PlainTiff;

    public static BlendMode Blend(string blend) => blend switch
    {
        "average" => BlendMode.Average,
        "linear" => BlendMode.Linear,
        "crop" => BlendMode.Crop,
        _ => BlendMode.Cosine,
    };

    /// <summary>The vector formats among the output formats (`shp` is the short name of `shapefile`).</summary>
    public static IEnumerable<(VectorFormat Format, string Extension)> Vectors(IReadOnlySet<string> formats)
    {
        if (formats.Contains("geojson")) yield return (VectorFormat.GeoJson, "geojson");
        if (formats.Contains("gpkg")) yield return (VectorFormat.GeoPackage, "gpkg");
        if (formats.Contains("shapefile") || formats.Contains("shp")) yield return (VectorFormat.Shapefile, "shp");
    }

    /// <summary>The files one output is made of: a shapefile is written with its sidecars.</summary>
    public static IEnumerable<string> FilesOf(string output) => output.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)
        ? new[] { ".shp", ".shx", ".dbf", ".prj", ".cpg" }.Select(e => Path.ChangeExtension(output, e)) : [output];

    public static void Delete(IEnumerable<string?> outputs)
    {
        foreach (var file in outputs.OfType<string>().SelectMany(FilesOf))
            if (File.Exists(file)) File.Delete(file);
    }
}
