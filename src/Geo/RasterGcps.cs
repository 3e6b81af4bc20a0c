using System.Runtime.InteropServices;
using GeoDense.Geo.Interop;
using static GeoDense.Geo.Interop.GdalGcpApi;

namespace GeoDense.Geo;

public sealed unsafe partial class Raster
{
    /// <summary>The raster's ground control points with their CRS, or null when it has none.</summary>
    public GroundControlPoints? GroundControlPoints
    {
        get
        {
            int count = GDALGetGCPCount(Handle);
            if (count <= 0) return null;
            var native = GDALGetGCPs(Handle);
            var points = new GroundControlPoint[count];
            for (int i = 0; i < count; i++)
            {
                var g = native[i];
                points[i] = new GroundControlPoint(g.Pixel, g.Line, g.X, g.Y, g.Z,
                    GdalRasterApi.Utf8(g.Id) ?? "", GdalRasterApi.Utf8(g.Info) ?? "");
            }
            var wkt = GdalRasterApi.Utf8(GDALGetGCPProjection(Handle));
            SpatialReference? crs = null;
            if (!string.IsNullOrWhiteSpace(wkt))
            {
                using var srs = OsrHandle.Create(wkt);
                crs = srs.Describe();
            }
            return new GroundControlPoints(points, crs);
        }
    }

    /// <summary>Number of ground control points (0 when the raster has none).</summary>
    public int GroundControlPointCount => GDALGetGCPCount(Handle);

    public void SetGroundControlPoints(GroundControlPoints gcps)
    {
        var native = new Gcp[gcps.Count];
        var strings = new List<IntPtr>(2 * gcps.Count);
        try
        {
            for (int i = 0; i < native.Length; i++)
            {
                var p = gcps.Points[i];
                IntPtr id = Marshal.StringToCoTaskMemUTF8(p.Id), info = Marshal.StringToCoTaskMemUTF8(p.Info);
                strings.Add(id);
                strings.Add(info);
                native[i] = new Gcp { Id = id, Info = info, Pixel = p.Pixel, Line = p.Line, X = p.X, Y = p.Y, Z = p.Z };
            }
            GdalLibrary.ClearError();
            int err;
            // GDAL copies the array and its strings
            fixed (Gcp* array = native)
                err = GDALSetGCPs(Handle, native.Length, array, gcps.Crs?.Wkt ?? "");
            if (err >= (int)CplErr.Failure) throw new GdalException($"Cannot set the ground control points of '{Path}': {GdalLibrary.TakeError()}");
        }
        finally
        {
            foreach (var s in strings) Marshal.FreeCoTaskMem(s);
        }
    }
}
