using System.Runtime.InteropServices;
using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

/// <summary>A coordinate reference system as WKT plus its EPSG code when it has one. Immutable; holds no native handle.</summary>
public sealed record SpatialReference(string Wkt, int? Epsg, string Name, bool IsGeographic)
{
    public static SpatialReference Wgs84 { get; } = FromEpsg(4326);

    public static SpatialReference FromEpsg(int code)
    {
        using var srs = OsrHandle.Create(null);
        if (OsrApi.OSRImportFromEPSG(srs.Handle, code) != 0)
            throw new ArgumentException($"EPSG:{code} is not a known coordinate reference system ({GdalLibrary.TakeError()}).");
        return srs.Describe();
    }

    /// <summary>Anything GDAL understands: "EPSG:32633", WKT, PROJ strings.</summary>
    public static SpatialReference Parse(string definition)
    {
        using var srs = OsrHandle.Create(null);
        if (OsrApi.OSRSetFromUserInput(srs.Handle, definition) != 0)
            throw new ArgumentException($"'{definition}' is not a coordinate reference system GDAL understands ({GdalLibrary.TakeError()}).");
        return srs.Describe();
    }

    public bool IsSameAs(SpatialReference other)
    {
        if (Epsg is not null && Epsg == other.Epsg) return true;
        using var a = OsrHandle.Create(Wkt);
        using var b = OsrHandle.Create(other.Wkt);
        return OsrApi.OSRIsSame(a.Handle, b.Handle) != 0;
    }

    public override string ToString() => Epsg is { } code ? $"EPSG:{code} ({Name})" : Name;
}

/// <summary>An owned OGRSpatialReferenceH with x/y in traditional GIS order (lon, lat).</summary>
internal sealed unsafe class OsrHandle : IDisposable
{
    public IntPtr Handle { get; private set; }

    private OsrHandle(IntPtr handle) => Handle = handle;

    public static OsrHandle Create(string? wkt)
    {
        GdalLibrary.EnsureInitialized();
        GdalLibrary.ClearError();
        var handle = OsrApi.OSRNewSpatialReference(string.IsNullOrEmpty(wkt) ? null : wkt);
        if (handle == IntPtr.Zero) throw new ArgumentException($"Invalid coordinate reference system WKT ({GdalLibrary.TakeError()}).");
        OsrApi.OSRSetAxisMappingStrategy(handle, OsrApi.TraditionalGisOrder);
        return new OsrHandle(handle);
    }

    public SpatialReference Describe()
    {
        var name = GdalRasterApi.Utf8(OsrApi.OSRGetName(Handle)) ?? "unnamed CRS";
        return new SpatialReference(ExportWkt(), FindEpsg(), name, OsrApi.OSRIsGeographic(Handle) != 0);
    }

    private int? FindEpsg()
    {
        if (ReadEpsg(Handle) is { } direct) return direct;
        // Many GeoTIFFs carry a full definition without the authority: let GDAL recognise it on a copy.
        using var copy = Create(ExportWkt());
        return OsrApi.OSRAutoIdentifyEPSG(copy.Handle) == 0 ? ReadEpsg(copy.Handle) : null;
    }

    private string ExportWkt()
    {
        IntPtr text;
        if (OsrApi.OSRExportToWkt(Handle, &text) != 0) throw new GdalException($"Cannot export the CRS as WKT: {GdalLibrary.TakeError()}");
        var wkt = Marshal.PtrToStringUTF8(text) ?? "";
        GdalLibrary.VSIFree(text);
        return wkt;
    }

    private static int? ReadEpsg(IntPtr handle)
    {
        var authority = GdalRasterApi.Utf8(OsrApi.OSRGetAuthorityName(handle, IntPtr.Zero));
        var code = GdalRasterApi.Utf8(OsrApi.OSRGetAuthorityCode(handle, IntPtr.Zero));
        return authority == "EPSG" && int.TryParse(code, out var value) ? value : null;
    }

    public void Dispose()
    {
        // Release, not destroy: a layer or dataset given this handle may still hold a reference.
        if (Handle != IntPtr.Zero) OsrApi.OSRRelease(Handle);
        Handle = IntPtr.Zero;
    }
}
