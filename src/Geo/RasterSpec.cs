namespace GeoDense.Geo;

/// <summary>Shape, pixel type and georeference of a raster to create.</summary>
public sealed record RasterSpec(int Width, int Height, int BandCount, RasterDataType DataType,
                                GeoTransform? GeoTransform = null, SpatialReference? Crs = null, double? NoData = null)
{
    /// <summary>Same grid (size, geotransform, CRS) as <paramref name="source"/>, with other bands/type/nodata.</summary>
    public static RasterSpec Like(Raster source, int bandCount, RasterDataType dataType, double? noData = null) =>
        new(source.Width, source.Height, bandCount, dataType, source.GeoTransform, source.SpatialReference, noData);
}
