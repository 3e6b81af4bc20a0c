namespace GeoDense.Geo;

/// <summary>
/// The pixel grid of a raster: size plus (optional) georeference, a geotransform or else ground control points.
/// Outputs stitched onto it keep it.
/// </summary>
public sealed record RasterGrid(int Width, int Height, GeoTransform? GeoTransform = null, SpatialReference? Crs = null,
                                GroundControlPoints? Gcps = null)
{
    public static RasterGrid Of(Raster raster)
    {
        var transform = raster.GeoTransform;
        // a file with both keeps the geotransform; GTiff cannot store both and would drop one with a warning
        return new(raster.Width, raster.Height, transform, raster.SpatialReference, transform is null ? raster.GroundControlPoints : null);
    }

    public RasterSpec ToSpec(int bandCount, RasterDataType dataType, double? noData) =>
        new(Width, Height, bandCount, dataType, GeoTransform, Crs, noData, Gcps);
}
