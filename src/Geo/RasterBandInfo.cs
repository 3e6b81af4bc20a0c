namespace GeoDense.Geo;

/// <summary>Facts about one band (1-based index, as GDAL counts).</summary>
public sealed record RasterBandInfo(int Index, RasterDataType DataType, int BlockWidth, int BlockHeight,
                                    double? NoData, string ColorInterpretation, int OverviewCount);
