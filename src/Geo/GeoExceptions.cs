namespace GeoDense.Geo;

/// <summary>
/// The user's raster or vector input cannot be used (missing, not a raster, truncated, no overlap...).
/// The message names the file and the problem.
/// </summary>
public class RasterInputException(string path, string message, Exception? inner = null) : InputException(message, inner)
{
    public string Path { get; } = path;
}

/// <summary>GDAL failed while producing an output (disk full, unwritable directory, driver missing): an internal
/// error, not an <see cref="InputException"/>, because the user's input was fine.</summary>
public sealed class GdalException(string message) : Exception(message);
