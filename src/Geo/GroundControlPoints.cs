namespace GeoDense.Geo;

/// <summary>One ground control point: a raster position (pixel, line) and the X/Y/Z it lies at in the GCP CRS.</summary>
public sealed record GroundControlPoint(double Pixel, double Line, double X, double Y, double Z = 0, string Id = "", string Info = "");

/// <summary>
/// Georeference by control points instead of a geotransform (unrectified scenes, scanned maps): the points and the
/// CRS of their X/Y (null when the file names none). Outputs stitched on such a raster carry the same points.
/// </summary>
public sealed record GroundControlPoints(IReadOnlyList<GroundControlPoint> Points, SpatialReference? Crs)
{
    public int Count => Points.Count;
}
