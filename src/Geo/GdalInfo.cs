using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

/// <summary>Facts about the libgdal in use (for reports and `geodense info`).</summary>
public static class GdalInfo
{
    public static string Version => GdalLibrary.Version;
}
