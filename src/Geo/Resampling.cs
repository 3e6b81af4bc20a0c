namespace GeoDense.Geo;

/// <summary>Resampling for scaled reads and warps (GDALRIOResampleAlg / GDALResampleAlg share these values).</summary>
public enum Resampling { Nearest = 0, Bilinear = 1, Cubic = 2, CubicSpline = 3, Lanczos = 4, Average = 5, Mode = 6 }

internal static class ResamplingNames
{
    public static string GdalName(this Resampling r) => r switch
    {
        Resampling.Nearest => "near",
        Resampling.Bilinear => "bilinear",
        Resampling.Cubic => "cubic",
        Resampling.CubicSpline => "cubicspline",
        Resampling.Lanczos => "lanczos",
        Resampling.Average => "average",
        Resampling.Mode => "mode",
        _ => "near",
    };
}
