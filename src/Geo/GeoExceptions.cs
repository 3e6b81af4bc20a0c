namespace GeoDense.Geo;

/// <summary>
/// The user's raster or vector input cannot be used (missing, not a raster, truncated, no overlap...).
/// The message names the file and the problem; the CLI maps "*InputException" to exit code 2.
/// </summary>
public class RasterInputException(string path, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Path { get; } = path;
}

/// <summary>GDAL failed while producing an output (disk full, unwritable directory, driver missing).</summary>
public sealed class GdalException(string message) : Exception(message);
