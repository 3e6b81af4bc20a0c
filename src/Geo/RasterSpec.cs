namespace GeoDense.Geo;

/// <summary>
/// Shape, pixel type and georeference of a raster to create. <see cref="Gcps"/> is used when there is no
/// geotransform (a raster is georeferenced one way or the other).
/// </summary>
public sealed record RasterSpec(int Width, int Height, int BandCount, RasterDataType DataType,
                                GeoTransform? GeoTransform = null, SpatialReference? Crs = null, double? NoData = null,
                                GroundControlPoints? Gcps = null)
{
    /// <summary>Same grid (size, georeference) as <paramref name="source"/>, with other bands/type/nodata.</summary>
    public static RasterSpec Like(Raster source, int bandCount, RasterDataType dataType, double? noData = null) =>
        RasterGrid.Of(source).ToSpec(bandCount, dataType, noData);
}
