using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

/// <summary>
/// Transforms coordinates between two CRSs with OSR (x = easting/longitude, y = northing/latitude).
/// Not thread-safe: create one per thread.
/// </summary>
public sealed unsafe class CoordinateTransform : IDisposable
{
    private IntPtr handle;

    public SpatialReference Source { get; }
    public SpatialReference Target { get; }

    public CoordinateTransform(SpatialReference source, SpatialReference target)
    {
        Source = source;
        Target = target;
        using var from = OsrHandle.Create(source.Wkt);
        using var to = OsrHandle.Create(target.Wkt);
        GdalLibrary.ClearError();
        handle = OsrApi.OCTNewCoordinateTransformation(from.Handle, to.Handle);
        if (handle == IntPtr.Zero)
            throw new ArgumentException($"No transformation from {source} to {target}: {GdalLibrary.TakeError()}");
    }

    public (double X, double Y) Transform(double x, double y)
    {
        double z = 0;
        int ok;
        if (OsrApi.OCTTransformEx(handle, 1, &x, &y, &z, &ok) == 0 || ok == 0)
            throw new ArgumentException($"Point ({x}, {y}) cannot be transformed from {Source} to {Target}.");
        return (x, y);
    }

    /// <summary>Transforms in place; returns how many points succeeded (failed points get NaN).</summary>
    public int TransformMany(Span<double> xs, Span<double> ys)
    {
        if (xs.Length != ys.Length) throw new ArgumentException("x and y spans differ in length.");
        var z = new double[xs.Length];
        var ok = new int[xs.Length];
        fixed (double* px = xs, py = ys, pz = z)
        fixed (int* pok = ok)
            OsrApi.OCTTransformEx(handle, xs.Length, px, py, pz, pok);
        int good = 0;
        for (int i = 0; i < ok.Length; i++)
        {
            if (ok[i] != 0 && double.IsFinite(xs[i]) && double.IsFinite(ys[i])) good++;
            else xs[i] = ys[i] = double.NaN;
        }
        return good;
    }

    public void Dispose()
    {
        if (handle != IntPtr.Zero) OsrApi.OCTDestroyCoordinateTransformation(handle);
        handle = IntPtr.Zero;
    }
}
