namespace GeoDense.Geo;

/// <summary>GDAL pixel types (GDALDataType values).</summary>
public enum RasterDataType
{
    Unknown = 0, Byte = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Float64 = 7,
    CInt16 = 8, CInt32 = 9, CFloat32 = 10, CFloat64 = 11, UInt64 = 12, Int64 = 13,
}

public static class RasterDataTypes
{
    public static int SizeInBytes(this RasterDataType type) => type switch
    {
        RasterDataType.Byte => 1,
        RasterDataType.UInt16 or RasterDataType.Int16 => 2,
        RasterDataType.UInt32 or RasterDataType.Int32 or RasterDataType.Float32 or RasterDataType.CInt16 => 4,
        RasterDataType.Float64 or RasterDataType.UInt64 or RasterDataType.Int64 or RasterDataType.CInt32 or RasterDataType.CFloat32 => 8,
        RasterDataType.CFloat64 => 16,
        _ => 0,
    };

    public static bool IsComplex(this RasterDataType type) => type is >= RasterDataType.CInt16 and <= RasterDataType.CFloat64;

    /// <summary>Real floating-point pixels: the types that can hold NaN.</summary>
    public static bool IsFloatingPoint(this RasterDataType type) => type is RasterDataType.Float32 or RasterDataType.Float64;

    /// <summary>The GDAL type a C# buffer element maps to.</summary>
    internal static RasterDataType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? RasterDataType.Float32
        : typeof(T) == typeof(byte) ? RasterDataType.Byte
        : typeof(T) == typeof(ushort) ? RasterDataType.UInt16
        : typeof(T) == typeof(short) ? RasterDataType.Int16
        : typeof(T) == typeof(int) ? RasterDataType.Int32
        : typeof(T) == typeof(uint) ? RasterDataType.UInt32
        : typeof(T) == typeof(double) ? RasterDataType.Float64
        : throw new NotSupportedException($"No GDAL pixel type for {typeof(T).Name} buffers.");
}
