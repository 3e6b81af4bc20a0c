namespace GeoDense.Geo;

public enum Compression { None, Deflate, Lzw, Zstd }

/// <summary>
/// How GeoTIFF and COG outputs are laid out. Tiled DEFLATE with BIGTIFF=IF_SAFER suits any size;
/// <see cref="Predictor"/> picks horizontal differencing (2) for integers and floating-point (3) for floats.
/// </summary>
public sealed record GeoTiffOptions(
    Compression Compression = Compression.Deflate,
    int? Level = null,
    bool Predictor = false,
    bool Tiled = true,
    int BlockSize = 256,
    string BigTiff = "IF_SAFER",
    bool Cog = false,
    Resampling OverviewResampling = Resampling.Nearest)
{
    public static GeoTiffOptions Default { get; } = new();

    /// <summary>Cloud-optimised GeoTIFF with overviews (nearest resampling: right for class maps).</summary>
    public static GeoTiffOptions CloudOptimized { get; } = new(Cog: true, BlockSize: 512);

    internal IEnumerable<KeyValuePair<string, string>> GTiffCreationOptions(RasterDataType type)
    {
        if (Tiled)
        {
            yield return new("TILED", "YES");
            yield return new("BLOCKXSIZE", BlockSize.ToString());
            yield return new("BLOCKYSIZE", BlockSize.ToString());
        }
        foreach (var option in CompressionOptions(type, levelKeyForDeflate: "ZLEVEL")) yield return option;
        yield return new("BIGTIFF", BigTiff);
    }

    internal IEnumerable<KeyValuePair<string, string>> CogCreationOptions(RasterDataType type)
    {
        yield return new("BLOCKSIZE", BlockSize.ToString());
        foreach (var option in CompressionOptions(type, levelKeyForDeflate: "LEVEL")) yield return option;
        yield return new("BIGTIFF", BigTiff);
        yield return new("OVERVIEWS", "AUTO");
        yield return new("OVERVIEW_RESAMPLING", OverviewResampling.GdalName().ToUpperInvariant());
    }

    private IEnumerable<KeyValuePair<string, string>> CompressionOptions(RasterDataType type, string levelKeyForDeflate)
    {
        yield return new("COMPRESS", Compression switch
        {
            Compression.Deflate => "DEFLATE", Compression.Lzw => "LZW", Compression.Zstd => "ZSTD", _ => "NONE",
        });
        if (Level is { } level && Compression is Compression.Deflate or Compression.Zstd)
            yield return new(Compression == Compression.Zstd ? (levelKeyForDeflate == "LEVEL" ? "LEVEL" : "ZSTD_LEVEL") : levelKeyForDeflate, level.ToString());
        if (Predictor && Compression != Compression.None)
            yield return new("PREDICTOR", type is RasterDataType.Float32 or RasterDataType.Float64 ? "3" : "2");
    }
}
