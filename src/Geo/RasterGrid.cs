namespace GeoDense.Geo;

/// <summary>The pixel grid of a raster: size plus (optional) georeference. Outputs stitched onto it keep it.</summary>
public sealed record RasterGrid(int Width, int Height, GeoTransform? GeoTransform = null, SpatialReference? Crs = null)
{
    public static RasterGrid Of(Raster raster) => new(raster.Width, raster.Height, raster.GeoTransform, raster.SpatialReference);

    public RasterSpec ToSpec(int bandCount, RasterDataType dataType, double? noData) =>
        new(Width, Height, bandCount, dataType, GeoTransform, Crs, noData);
}
