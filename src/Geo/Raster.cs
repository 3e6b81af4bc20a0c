using System.Numerics;
using GeoDense.Geo.Interop;
using static GeoDense.Geo.Interop.GdalRasterApi;

namespace GeoDense.Geo;

/// <summary>
/// An open GDAL raster: any GDAL-readable path, including /vsimem/, /vsizip/, /vsicurl/ and /vsis3/.
/// Band numbers are 1-based like GDAL's. Buffers are band-major (CHW). One instance per thread:
/// GDAL dataset handles are not thread-safe, so open the path again on other threads.
/// </summary>
public sealed unsafe partial class Raster : IDisposable
{
    private IntPtr handle;
    private RasterBandInfo[]? bands;
    private readonly IDisposable? owned;

    public string Path { get; }
    public int Width { get; }
    public int Height { get; }
    public int BandCount { get; }
    public bool IsWritable { get; }
    public string DriverName { get; }

    private Raster(IntPtr handle, string path, bool writable, IDisposable? owned = null)
    {
        this.handle = handle;
        this.owned = owned;
        Path = path;
        IsWritable = writable;
        Width = GDALGetRasterXSize(handle);
        Height = GDALGetRasterYSize(handle);
        BandCount = GDALGetRasterCount(handle);
        DriverName = Utf8(GDALGetDriverShortName(GDALGetDatasetDriver(handle))) ?? "?";
    }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException($"Raster '{Path}'");

    public static Raster Open(string path, bool update = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        GdalLibrary.EnsureInitialized();
        if (!Vsi.IsVirtual(path) && !File.Exists(path))
            throw new RasterInputException(path, Directory.Exists(path)
                ? $"'{path}' is a directory, not a raster file."
                : $"Raster '{path}' does not exist. Check the path (relative paths start at {Environment.CurrentDirectory}).");
        GdalLibrary.ClearError();
        var dataset = GDALOpenEx(path, OpenRaster | OpenVerboseError | (update ? OpenUpdate : OpenReadOnly), IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (dataset == IntPtr.Zero)
        {
            var reason = GdalLibrary.TakeError();
            // asked only after a failed open: GDAL's own text for a missing virtual path blames the file's contents
            if (Vsi.IsVirtual(path) && !Vsi.Exists(path))
                throw new RasterInputException(path, $"Raster '{path}' does not exist (check the archive or container and the path inside it).");
            throw new RasterInputException(path, reason.Contains("not recognized as a supported file format", StringComparison.OrdinalIgnoreCase)
                ? $"'{path}' is not a raster GDAL can read (no driver recognises its contents; is it really a GeoTIFF?)."
                : $"Cannot open raster '{path}': {reason}. The file may be truncated, corrupt or unreadable.");
        }
        var raster = new Raster(dataset, path, update);
        if (raster.BandCount == 0)
        {
            raster.Dispose();
            throw new RasterInputException(path, $"'{path}' has no raster bands.");
        }
        return raster;
    }

    /// <summary>A raster held in memory (GDAL MEM driver): scratch space for polygonising and previews.</summary>
    public static Raster CreateInMemory(RasterSpec spec)
    {
        GdalLibrary.EnsureInitialized();
        GdalLibrary.ClearError();
        var dataset = GDALCreate(RasterWriter.Driver("MEM"), "", spec.Width, spec.Height, spec.BandCount, (int)spec.DataType, IntPtr.Zero);
        if (dataset == IntPtr.Zero) throw new GdalException($"Cannot create a {spec.Width}x{spec.Height} in-memory raster: {GdalLibrary.TakeError()}");
        var raster = new Raster(dataset, "(memory)", writable: true);
        if (spec.GeoTransform is { } gt) raster.SetGeoTransform(gt);
        else if (spec.Gcps is { } gcps) raster.SetGroundControlPoints(gcps);
        if (spec.Crs is { } crs) raster.SetSpatialReference(crs);
        if (spec.NoData is { } nd)
            for (int b = 1; b <= spec.BandCount; b++) raster.SetNoData(b, nd);
        return raster;
    }

    /// <summary>Wraps a dataset handle created elsewhere (create, warp); takes ownership.</summary>
    /// <param name="owned">Disposed after this dataset closes (e.g. the source a warped VRT reads through).</param>
    internal static Raster Adopt(IntPtr dataset, string path, bool writable, IDisposable? owned = null) => new(dataset, path, writable, owned);

    public IReadOnlyList<RasterBandInfo> Bands => bands ??= Enumerable.Range(1, BandCount).Select(ReadBandInfo).ToArray();

    public RasterBandInfo Band(int index) => Bands[CheckBand(index) - 1];

    private RasterBandInfo ReadBandInfo(int index)
    {
        var band = BandHandle(index);
        int bw, bh, hasNoData;
        GDALGetBlockSize(band, &bw, &bh);
        var noData = GDALGetRasterNoDataValue(band, &hasNoData);
        var color = Utf8(GDALGetColorInterpretationName(GDALGetRasterColorInterpretation(band))) ?? "Undefined";
        return new RasterBandInfo(index, (RasterDataType)GDALGetRasterDataType(band), bw, bh,
            hasNoData != 0 ? noData : null, color, GDALGetOverviewCount(band));
    }

    /// <summary>The pixel -> map transform, or null when the raster has none (pixel space).</summary>
    public GeoTransform? GeoTransform
    {
        get
        {
            var c = stackalloc double[6];
            return GDALGetGeoTransform(Handle, c) == 0 ? Geo.GeoTransform.FromArray(new ReadOnlySpan<double>(c, 6)) : null;
        }
    }

    public SpatialReference? SpatialReference
    {
        get
        {
            var wkt = Utf8(GDALGetProjectionRef(Handle));
            if (string.IsNullOrWhiteSpace(wkt)) return null;
            using var srs = OsrHandle.Create(wkt);
            return srs.Describe();
        }
    }

    /// <summary>A geotransform with a CRS, or ground control points with theirs (outputs copy either).</summary>
    public bool IsGeoreferenced => (GeoTransform is not null && SpatialReference is not null) || GroundControlPoints is { Crs: not null };

    /// <summary>Says, through <see cref="GeoDiagnostics"/>, that outputs derived from this raster stay in pixel space.</summary>
    public void WarnIfNotGeoreferenced()
    {
        if (!IsGeoreferenced) GeoDiagnostics.RaiseWarning($"{Path}: no georeference; outputs are in pixel space");
    }

    public RasterInfo Describe() => RasterInfo.From(this);

    public (double X, double Y) PixelToMap(double column, double row) => RequireGeoTransform().PixelToMap(column, row);

    public (double Column, double Row) MapToPixel(double x, double y) => RequireGeoTransform().MapToPixel(x, y);

    public (double Longitude, double Latitude) PixelToLonLat(double column, double row)
    {
        var (x, y) = PixelToMap(column, row);
        using var toWgs84 = new CoordinateTransform(RequireCrs(), Geo.SpatialReference.Wgs84);
        return toWgs84.Transform(x, y);
    }

    public (double Column, double Row) LonLatToPixel(double longitude, double latitude)
    {
        using var fromWgs84 = new CoordinateTransform(Geo.SpatialReference.Wgs84, RequireCrs());
        var (x, y) = fromWgs84.Transform(longitude, latitude);
        return MapToPixel(x, y);
    }

    internal GeoTransform RequireGeoTransform() => GeoTransform
        ?? throw new RasterInputException(Path, $"'{Path}' has no geotransform, so pixel and map coordinates cannot be related.");

    internal SpatialReference RequireCrs() => SpatialReference
        ?? throw new RasterInputException(Path, $"'{Path}' has no coordinate reference system.");

    /// <summary>Every band, 1..BandCount.</summary>
    public int[] AllBands() => Enumerable.Range(1, BandCount).ToArray();

    /// <summary>
    /// Reads <paramref name="window"/> of <paramref name="bandList"/> into <paramref name="destination"/> (bands x outH x outW).
    /// Parts of the window outside the raster are padded; see <see cref="WindowReadOptions"/>.
    /// </summary>
    public void Read<T>(PixelWindow window, ReadOnlySpan<int> bandList, Span<T> destination, WindowReadOptions? options = null)
        where T : unmanaged, INumber<T>
    {
        options ??= WindowReadOptions.Default;
        int outW = options.OutputWidth ?? window.Width, outH = options.OutputHeight ?? window.Height;
        long plane = (long)outW * outH;
        if (window.IsEmpty || outW <= 0 || outH <= 0) throw new ArgumentException($"Empty window {window} for '{Path}'.");
        if (destination.Length < plane * bandList.Length)
            throw new ArgumentException($"Buffer of {destination.Length} values is too small for {bandList.Length} bands of {outW}x{outH}.");
        foreach (var b in bandList)
            if (Band(b).DataType.IsComplex() || Band(b).DataType == RasterDataType.Unknown)
                throw new RasterInputException(Path, $"Band {b} of '{Path}' holds {Band(b).DataType} pixels; only real-valued rasters " +
                    "(Byte, (U)Int16/32/64, Float32/64) can be read. Convert it first, e.g. gdal_translate -ot Float32.");

        var pad = T.CreateSaturating(options.PadValue);
        var inside = window.Intersect(PixelWindow.Full(Width, Height));
        if (inside != window) destination[..(int)(plane * bandList.Length)].Fill(pad);
        if (inside.IsEmpty) return;

        double sx = (double)outW / window.Width, sy = (double)outH / window.Height;
        int ox0 = (int)Math.Round((inside.X - window.X) * sx), ox1 = (int)Math.Round((inside.Right - window.X) * sx);
        int oy0 = (int)Math.Round((inside.Y - window.Y) * sy), oy1 = (int)Math.Round((inside.Bottom - window.Y) * sy);
        if (ox1 <= ox0 || oy1 <= oy0) return;

        var extra = RasterIOExtraArg.Create((int)options.Resampling);
        var bandMap = bandList.ToArray();
        GdalLibrary.ClearError();
        int err;
        fixed (T* buffer = destination)
        fixed (int* map = bandMap)
            err = GDALDatasetRasterIOEx(Handle, 0, inside.X, inside.Y, inside.Width, inside.Height,
                buffer + (long)oy0 * outW + ox0, ox1 - ox0, oy1 - oy0, (int)RasterDataTypes.Of<T>(), bandMap.Length, map,
                sizeof(T), (long)outW * sizeof(T), plane * sizeof(T), &extra);
        if (err >= (int)CplErr.Failure)
            throw new RasterInputException(Path, $"Reading {window} of '{Path}' failed: {GdalLibrary.TakeError()}. The file may be truncated or corrupt.");

        if (options.NodataAsPad)
            for (int i = 0; i < bandList.Length; i++)
            {
                var bandPlane = destination.Slice((int)(i * plane), (int)plane);
                if (Band(bandList[i]).NoData is { } noData && !double.IsNaN(noData))
                    ReplaceNoData(bandPlane, outW, ox0, ox1, oy0, oy1, noData, pad);
                // NaN is nodata whether or not the file declares it (and resampling spreads it): never hand it to a model.
                // Integer buffers cannot hold NaN; GDAL has already turned it into a number there.
                if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
                    ReplaceNoData(bandPlane, outW, ox0, ox1, oy0, oy1, double.NaN, pad);
            }
    }

    /// <summary>Reads a window into a new band-major array.</summary>
    public T[] Read<T>(PixelWindow window, ReadOnlySpan<int> bandList, WindowReadOptions? options = null) where T : unmanaged, INumber<T>
    {
        var result = new T[(long)bandList.Length * (options?.OutputWidth ?? window.Width) * (options?.OutputHeight ?? window.Height)];
        Read<T>(window, bandList, result, options);
        return result;
    }

    private static void ReplaceNoData<T>(Span<T> plane, int stride, int x0, int x1, int y0, int y1, double noData, T pad)
        where T : unmanaged, INumber<T>
    {
        bool nan = double.IsNaN(noData);
        var target = T.CreateSaturating(noData);
        for (int y = y0; y < y1; y++)
        {
            var row = plane.Slice(y * stride + x0, x1 - x0);
            for (int x = 0; x < row.Length; x++)
                if (nan ? T.IsNaN(row[x]) : row[x] == target) row[x] = pad;
        }
    }

    /// <summary>
    /// Validity of each pixel of <paramref name="window"/> (1 valid, 0 nodata or outside): a pixel is valid when any
    /// of <paramref name="bandList"/> is valid in GDAL's mask (nodata values, alpha band or mask file) and, in a
    /// floating-point band, is not NaN (GDAL's mask only knows NaN when NaN is the declared nodata value).
    /// </summary>
    public void ReadValidMask(PixelWindow window, ReadOnlySpan<int> bandList, Span<byte> destination)
    {
        var plane = destination[..checked((int)window.Area)];
        var inside = window.Intersect(PixelWindow.Full(Width, Height));
        plane.Clear();
        if (inside.IsEmpty) return;
        int ox = inside.X - window.X, oy = inside.Y - window.Y;
        if (AllValid(bandList))
        {
            for (int y = 0; y < inside.Height; y++) plane.Slice((oy + y) * window.Width + ox, inside.Width).Fill(1);
            return;
        }
        var bandMask = new byte[inside.Area];
        var extra = RasterIOExtraArg.Create(0);
        foreach (var b in bandList)
        {
            if (GDALGetMaskFlags(BandHandle(b)) == MaskAllValid) bandMask.AsSpan().Fill(1);
            else
            {
                var mask = GDALGetMaskBand(BandHandle(b));
                int err;
                GdalLibrary.ClearError();
                fixed (byte* buffer = bandMask)
                    err = GdalBandApi.GDALRasterIOEx(mask, 0, inside.X, inside.Y, inside.Width, inside.Height, buffer,
                        inside.Width, inside.Height, (int)RasterDataType.Byte, 1, inside.Width, &extra);
                if (err >= (int)CplErr.Failure)
                    throw new RasterInputException(Path, $"Reading the nodata mask of {window} in '{Path}' failed: {GdalLibrary.TakeError()}.");
            }
            if (Band(b).DataType.IsFloatingPoint()) ClearNaNPixels(b, inside, bandMask);
            for (int y = 0; y < inside.Height; y++)
            {
                var row = plane.Slice((oy + y) * window.Width + ox, inside.Width);
                var src = bandMask.AsSpan(y * inside.Width, inside.Width);
                for (int x = 0; x < row.Length; x++) row[x] |= (byte)(src[x] != 0 ? 1 : 0);
            }
        }
    }

    /// <summary>
    /// True when every pixel of these bands is known to be valid without reading them: GDAL reports no nodata, alpha
    /// or mask, and no band is floating point (a float band may hold NaN, which is nodata declared or not).
    /// </summary>
    public bool AllValid(ReadOnlySpan<int> bandList)
    {
        foreach (var b in bandList)
            if (Band(b).DataType.IsFloatingPoint() || GDALGetMaskFlags(BandHandle(b)) != MaskAllValid) return false;
        return true;
    }

    /// <summary>Sets <paramref name="mask"/> (inside.Width x inside.Height) to 0 where band <paramref name="band"/> is NaN.</summary>
    private void ClearNaNPixels(int band, PixelWindow inside, Span<byte> mask)
    {
        var values = new float[inside.Area];
        var extra = RasterIOExtraArg.Create(0);
        int err;
        GdalLibrary.ClearError();
        fixed (float* buffer = values)
            err = GdalBandApi.GDALRasterIOEx(BandHandle(band), 0, inside.X, inside.Y, inside.Width, inside.Height, buffer,
                inside.Width, inside.Height, (int)RasterDataType.Float32, sizeof(float), (long)inside.Width * sizeof(float), &extra);
        if (err >= (int)CplErr.Failure)
            throw new RasterInputException(Path, $"Reading band {band} of {inside} in '{Path}' failed: {GdalLibrary.TakeError()}. The file may be truncated or corrupt.");
        for (int i = 0; i < values.Length; i++)
            if (float.IsNaN(values[i])) mask[i] = 0;
    }

    /// <summary>Writes a band-major buffer into a window that lies inside the raster.</summary>
    public void Write<T>(PixelWindow window, ReadOnlySpan<int> bandList, ReadOnlySpan<T> source) where T : unmanaged, INumber<T>
    {
        if (!IsWritable) throw new InvalidOperationException($"'{Path}' was opened read-only.");
        if (!PixelWindow.Full(Width, Height).Contains(window) || window.IsEmpty)
            throw new ArgumentOutOfRangeException(nameof(window), $"{window} is not inside '{Path}' ({Width}x{Height}).");
        if (source.Length < window.Area * bandList.Length)
            throw new ArgumentException($"Buffer of {source.Length} values is too small for {bandList.Length} bands of {window}.");
        foreach (var b in bandList) CheckBand(b);
        var bandMap = bandList.ToArray();
        var extra = RasterIOExtraArg.Create(0);
        GdalLibrary.ClearError();
        int err;
        fixed (T* buffer = source)
        fixed (int* map = bandMap)
            err = GDALDatasetRasterIOEx(Handle, 1, window.X, window.Y, window.Width, window.Height, buffer, window.Width, window.Height,
                (int)RasterDataTypes.Of<T>(), bandMap.Length, map, sizeof(T), (long)window.Width * sizeof(T), window.Area * sizeof(T), &extra);
        if (err >= (int)CplErr.Failure)
            throw new GdalException($"Writing {window} to '{Path}' failed: {GdalLibrary.TakeError()}");
    }

    public void SetGeoTransform(GeoTransform transform)
    {
        var c = transform.ToArray();
        fixed (double* p = c)
            Check(GDALSetGeoTransform(Handle, p), "set the geotransform of");
    }

    public void SetSpatialReference(SpatialReference crs) => Check(GDALSetProjection(Handle, crs.Wkt), "set the CRS of");

    public void SetNoData(int band, double value)
    {
        Check(GDALSetRasterNoDataValue(BandHandle(band), value), "set nodata on");
        bands = null;
    }

    public void SetColorInterpretation(int band, ColorInterpretation interpretation)
    {
        Check(GDALSetRasterColorInterpretation(BandHandle(band), (int)interpretation), "set the colour interpretation of");
        bands = null;
    }

    /// <summary>Copies geotransform and CRS, or else the GCPs, from <paramref name="source"/> (a no-op for what it lacks).</summary>
    public void CopyGeoreferenceFrom(Raster source)
    {
        if (source.GeoTransform is { } gt) SetGeoTransform(gt);
        else if (source.GroundControlPoints is { } gcps) SetGroundControlPoints(gcps);
        if (source.SpatialReference is { } crs) SetSpatialReference(crs);
    }

    /// <summary>Copies each band's nodata value from the same band number of <paramref name="source"/> (where it has one).</summary>
    public void CopyNoDataFrom(Raster source)
    {
        for (int b = 1; b <= Math.Min(BandCount, source.BandCount); b++)
            if (source.Band(b).NoData is { } nd) SetNoData(b, nd);
    }

    /// <summary>
    /// Reads the bottom-right pixel of the last band, the block a GeoTIFF stores last: a file cut short keeps a valid
    /// header, so only a read shows that its pixels are gone. Throws <see cref="RasterInputException"/> when it fails.
    /// </summary>
    public void CheckLastBlockReadable()
    {
        if (Width == 0 || Height == 0 || BandCount == 0) return;
        var type = Band(BandCount).DataType;
        if (type.IsComplex() || type == RasterDataType.Unknown) return;   // described, never read
        Read<double>(new PixelWindow(Width - 1, Height - 1, 1, 1), [BandCount]);
    }

    /// <summary>Writes cached blocks to the file.</summary>
    public void Flush() => GDALFlushCache(Handle);

    internal IntPtr BandHandle(int index) => GDALGetRasterBand(Handle, CheckBand(index));

    private int CheckBand(int index) => index >= 1 && index <= BandCount ? index
        : throw new ArgumentOutOfRangeException(nameof(index), $"Band {index} does not exist in '{Path}' (it has {BandCount} band(s), numbered from 1).");

    private void Check(int err, string what)
    {
        if (err >= (int)CplErr.Failure) throw new GdalException($"Cannot {what} '{Path}': {GdalLibrary.TakeError()}");
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        GDALClose(handle);
        handle = IntPtr.Zero;
        owned?.Dispose();
    }

    public override string ToString() => $"{Path} ({Width}x{Height}, {BandCount} band(s), {DriverName})";
}

/// <summary>GDALColorInterp values.</summary>
public enum ColorInterpretation
{
    Undefined = 0, Gray = 1, Palette = 2, Red = 3, Green = 4, Blue = 5, Alpha = 6,
}
