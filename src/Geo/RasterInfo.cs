using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeoDense.Geo;

/// <summary>Everything `geodense info` reports about a raster; serialises to JSON for machines.</summary>
public sealed record RasterInfo(
    string Path, string Driver, int Width, int Height, int BandCount,
    IReadOnlyList<RasterBandInfo> Bands, double[]? GeoTransform, int? Epsg, string? CrsName, string? CrsWkt,
    double[]? Bounds, double[]? LonLatCenter, int GcpCount = 0, int? GcpEpsg = null, string? GcpCrsName = null)
{
    public static RasterInfo From(Raster raster)
    {
        var gt = raster.GeoTransform;
        var crs = raster.SpatialReference;
        double[]? bounds = null, center = null;
        if (gt is { } t)
        {
            var (minX, minY, maxX, maxY) = t.Bounds(raster.Width, raster.Height);
            bounds = [minX, minY, maxX, maxY];
            if (crs is not null)
            {
                try
                {
                    var (lon, lat) = raster.PixelToLonLat(raster.Width / 2.0, raster.Height / 2.0);
                    center = [lon, lat];
                }
                catch (ArgumentException)
                {
                    // A CRS without a path to WGS 84 (engineering, local) still has valid facts to report.
                }
            }
        }
        var gcps = raster.GroundControlPoints;
        return new RasterInfo(raster.Path, raster.DriverName, raster.Width, raster.Height, raster.BandCount, raster.Bands,
            gt?.ToArray(), crs?.Epsg, crs?.Name, crs?.Wkt, bounds, center, gcps?.Count ?? 0, gcps?.Crs?.Epsg, gcps?.Crs?.Name);
    }

    /// <summary>A geotransform with a CRS, or ground control points with theirs; without either outputs stay in pixel space.</summary>
    public bool IsGeoreferenced => (GeoTransform is not null && CrsWkt is not null) || (GcpCount > 0 && GcpCrsName is not null);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"File:        {Path}");
        s.AppendLine(c, $"Driver:      {Driver}");
        s.AppendLine(c, $"Size:        {Width} x {Height} pixels, {BandCount} band(s)");
        if (GeoTransform is { } g)
        {
            s.AppendLine(c, $"Origin:      ({g[0]:R}, {g[3]:R})");
            s.Append(c, $"Pixel size:  ({g[1]:R}, {g[5]:R})");
            if (g[2] != 0 || g[4] != 0) s.Append(c, $", rotation ({g[2]:R}, {g[4]:R})");
            s.AppendLine();
        }
        else if (GcpCount == 0) s.AppendLine("Georef:      none (pixel coordinates only)");
        if (GcpCount > 0)
            s.AppendLine(c, $"GCPs:        {GcpCount}, CRS {(GcpCrsName is null ? "none" : $"{(GcpEpsg is { } ge ? $"EPSG:{ge} " : "")}{GcpCrsName}")}");
        s.AppendLine(CrsWkt is null ? "CRS:         none" : $"CRS:         {(Epsg is { } e ? $"EPSG:{e} " : "")}{CrsName}");
        if (Bounds is { } b) s.AppendLine(c, $"Bounds:      x {b[0]:R} .. {b[2]:R}, y {b[1]:R} .. {b[3]:R}");
        if (LonLatCenter is { } ll) s.AppendLine(c, $"Center:      lon {ll[0]:F6}, lat {ll[1]:F6}");
        foreach (var band in Bands)
        {
            s.Append(c, $"Band {band.Index}:      {band.DataType}, block {band.BlockWidth}x{band.BlockHeight}, {band.ColorInterpretation}");
            if (band.NoData is { } nd) s.Append(c, $", nodata {nd:R}");
            if (band.OverviewCount > 0) s.Append(c, $", {band.OverviewCount} overview(s)");
            s.AppendLine();
        }
        return s.ToString();
    }
}
