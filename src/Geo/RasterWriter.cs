using GeoDense.Geo.Interop;
using GeoDense.IO;
using static GeoDense.Geo.Interop.GdalRasterApi;

namespace GeoDense.Geo;

/// <summary>
/// Creates a GeoTIFF (or COG) under a temporary name; <see cref="Commit"/> finishes it and renames it onto the
/// final path. Disposing without committing deletes the temporary file, so the final path never holds a partial file.
/// </summary>
public sealed class RasterWriter : IDisposable
{
    private readonly AtomicFile file;
    private readonly GeoTiffOptions options;
    private bool committed;

    public string Path { get; }
    public RasterSpec Spec { get; }

    /// <summary>The dataset being written (under its temporary name).</summary>
    public Raster Raster { get; private set; }

    private RasterWriter(string path, AtomicFile file, RasterSpec spec, GeoTiffOptions options, Raster raster)
    {
        Path = path;
        this.file = file;
        Spec = spec;
        this.options = options;
        Raster = raster;
    }

    /// <param name="resumable">
    /// write under a fixed hidden name that stays when the writer is disposed without <see cref="Commit"/> (a killed or
    /// interrupted run), so that a resumed run can <see cref="Reopen"/> it
    /// </param>
    public static RasterWriter Create(string path, RasterSpec spec, GeoTiffOptions? options = null, bool resumable = false)
    {
        options ??= GeoTiffOptions.Default;
        if (spec.Width <= 0 || spec.Height <= 0 || spec.BandCount <= 0)
            throw new ArgumentException($"Cannot create '{path}' with size {spec.Width}x{spec.Height} and {spec.BandCount} band(s).");
        GdalLibrary.EnsureInitialized();
        var file = resumable ? VsiFileSystem.Resumable(path) : VsiFileSystem.Begin(path);
        Raster? raster = null;
        try
        {
            using var creationOptions = CStringList.FromOptions(options.GTiffCreationOptions(spec.DataType));
            GdalLibrary.ClearError();
            var dataset = GDALCreate(Driver("GTiff"), file.TemporaryPath, spec.Width, spec.Height, spec.BandCount, (int)spec.DataType, creationOptions.Handle);
            if (dataset == IntPtr.Zero) throw new GdalException($"Cannot create '{path}': {GdalLibrary.TakeError()}");
            raster = Raster.Adopt(dataset, file.TemporaryPath, writable: true);
            if (spec.GeoTransform is { } gt) raster.SetGeoTransform(gt);
            else if (spec.Gcps is { } gcps) raster.SetGroundControlPoints(gcps);
            if (spec.Crs is { } crs) raster.SetSpatialReference(crs);
            if (spec.NoData is { } nd)
                for (int b = 1; b <= spec.BandCount; b++) raster.SetNoData(b, nd);
        }
        catch
        {
            raster?.Dispose();
            file.Dispose();
            throw;
        }
        return new RasterWriter(path, file, spec, options, raster);
    }

    /// <summary>
    /// Reopens for update the file a <paramref name="resumable"/> <see cref="Create"/> of <paramref name="path"/> left,
    /// when it is there, readable and of <paramref name="spec"/>'s size, bands and type; otherwise null (start over).
    /// </summary>
    public static RasterWriter? Reopen(string path, RasterSpec spec, GeoTiffOptions? options = null)
    {
        var file = VsiFileSystem.Resumable(path);
        Raster? raster = null;
        try
        {
            if (!File.Exists(file.TemporaryPath)) return null;
            raster = Raster.Open(file.TemporaryPath, update: true);
            if ((raster.Width, raster.Height, raster.BandCount, raster.Band(1).DataType) != (spec.Width, spec.Height, spec.BandCount, spec.DataType))
            {
                raster.Dispose();
                return null;
            }
            return new RasterWriter(path, file, spec, options ?? GeoTiffOptions.Default, raster);
        }
        catch (Exception e) when (e is GdalException or RasterInputException)
        {
            // a kill while the file's directory was being rewritten leaves it unreadable: that work is redone
            raster?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Puts every block written so far on disk, in a file GDAL can reopen (what a resumed run relies on), by closing
    /// and reopening it: GDAL 3.6's flush of a compressed GeoTIFF leaves a directory that does not match its tiles
    /// until the file is closed.
    /// </summary>
    public void Checkpoint()
    {
        GdalLibrary.ClearError();
        Raster.Dispose();
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot write '{Path}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
        Raster = Raster.Open(file.TemporaryPath, update: true);
    }

    public void Write<T>(PixelWindow window, ReadOnlySpan<int> bands, ReadOnlySpan<T> data) where T : unmanaged, System.Numerics.INumber<T> =>
        Raster.Write(window, bands, data);

    /// <summary>Finishes the file (COG conversion with overviews when asked) and moves it onto <see cref="Path"/>.</summary>
    public void Commit()
    {
        if (committed) return;
        // GDAL 3.6's flush and close return nothing: a failed block write (disk full, quota) only reaches the error
        // handler, and renaming that file into place would leave a corrupt output at the final path.
        GdalLibrary.ClearError();
        Raster.Flush();
        Raster.Dispose();
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot finish writing '{Path}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
        if (options.Cog)
        {
            // The plain GeoTIFF is only the COG's source: the COG is written atomically itself, this one is dropped.
            using (var source = Raster.Open(file.TemporaryPath))
                WriteCog(source, Path, options);
            file.Discard();
        }
        else file.Commit();
        committed = true;
    }

    /// <summary>Copies any raster (a GeoTIFF, a warped VRT...) to a cloud-optimised GeoTIFF with overviews.</summary>
    public static void WriteCog(Raster source, string path, GeoTiffOptions? options = null)
    {
        options ??= GeoTiffOptions.CloudOptimized;
        using var file = VsiFileSystem.Begin(path);
        using var creationOptions = CStringList.FromOptions(options.CogCreationOptions(source.Band(1).DataType));
        GdalLibrary.ClearError();
        var copy = GDALCreateCopy(Driver("COG"), file.TemporaryPath, source.Handle, 0, creationOptions.Handle, IntPtr.Zero, IntPtr.Zero);
        if (copy == IntPtr.Zero) throw new GdalException($"Cannot write COG '{path}': {GdalLibrary.TakeError()}");
        GdalLibrary.ClearError();
        GDALClose(copy);
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot finish COG '{path}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
        file.Commit();
    }

    /// <summary>
    /// Copies a raster to a file in another GDAL format (PNG, JPEG: how datasets such as CDD and LEVIR-CD are
    /// distributed), written under a temporary name and renamed when complete.
    /// </summary>
    public static void WriteCopy(Raster source, string path, string driver, IReadOnlyDictionary<string, string>? creationOptions = null)
    {
        using var file = VsiFileSystem.Begin(path);
        using var options = CStringList.FromOptions(creationOptions ?? new Dictionary<string, string>());
        GdalLibrary.ClearError();
        var copy = GDALCreateCopy(Driver(driver), file.TemporaryPath, source.Handle, 0, options.Handle, IntPtr.Zero, IntPtr.Zero);
        if (copy == IntPtr.Zero) throw new GdalException($"Cannot write {driver} '{path}': {GdalLibrary.TakeError()}");
        GDALClose(copy);
        if (GdalLibrary.PeekError() is not null)
            throw new GdalException($"Cannot finish {driver} '{path}': {GdalLibrary.TakeError()}. Check the free space and permissions of its folder.");
        file.Commit();
    }

    internal static IntPtr Driver(string name)
    {
        GdalLibrary.EnsureInitialized();
        var driver = GDALGetDriverByName(name);
        return driver != IntPtr.Zero ? driver : throw new GdalException($"GDAL has no '{name}' driver in this build.");
    }

    public void Dispose()
    {
        if (committed) return;
        Raster.Dispose();
        file.Dispose();
    }
}
