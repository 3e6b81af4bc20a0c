using System.Globalization;
using GeoDense.Geo.Interop;

namespace GeoDense.Geo;

/// <summary>
/// Two acquisition dates on one pixel grid, as change detection needs them: the before image's grid, cut to the part
/// the after image covers, and the after image warped onto it (a GDAL warped VRT: pixels are reprojected lazily,
/// window by window, never copied whole). Both are saved as in-memory VRTs (/vsimem/) so any thread can open them by
/// path; disposing the pair deletes them. Outside the after image's footprint (the corners of a reprojected outline)
/// and where either date has nodata, GDAL's masks say nodata.
/// </summary>
public sealed unsafe class AlignedPair : IDisposable
{
    /// <summary>The before and after files as the user named them (for messages).</summary>
    public string BeforeSource { get; }
    public string AfterSource { get; }

    /// <summary>Openable paths of the two dates on the shared grid.</summary>
    public string Before { get; }
    public string After { get; }

    /// <summary>Where the shared grid lies in the before image's pixels.</summary>
    public PixelWindow WindowInBefore { get; }

    readonly List<string> temporary;

    AlignedPair(string beforeSource, string afterSource, string before, string after, PixelWindow window, List<string> temporary) =>
        (BeforeSource, AfterSource, Before, After, WindowInBefore, this.temporary) = (beforeSource, afterSource, before, after, window, temporary);

    /// <summary>
    /// Aligns <paramref name="afterPath"/> onto <paramref name="beforePath"/>'s grid over their intersection.
    /// Throws <see cref="RasterInputException"/> naming both files when they do not overlap or lack a georeference.
    /// </summary>
    public static AlignedPair Create(string beforePath, string afterPath, Resampling resampling = Resampling.Bilinear)
    {
        var folder = $"/vsimem/geodense-pair-{Guid.NewGuid():N}";
        var temporary = new List<string>();
        try
        {
            string before;
            PixelWindow window;
            using (var full = Raster.Open(beforePath))
            using (var after = Raster.Open(afterPath))
            {
                window = RasterAlignment.OverlapWindow(full, after);
                before = window == PixelWindow.Full(full.Width, full.Height) ? beforePath : $"{folder}/before.vrt";
                if (before != beforePath)
                {
                    // the VRT names its source by the path it was opened with, and a relative one would resolve inside /vsimem/
                    using var absolute = Raster.Open(Vsi.IsVirtual(beforePath) ? beforePath : Path.GetFullPath(beforePath));
                    temporary.Add(before);
                    WriteWindowVrt(absolute, window, before);
                }
            }
            var afterVrt = $"{folder}/after.vrt";
            using (var grid = Raster.Open(before))
            {
                temporary.Add(afterVrt);
                RasterAlignment.WriteAlignedVrt(grid, afterPath, afterVrt, resampling, alphaOutside: true);
            }
            return new AlignedPair(beforePath, afterPath, before, afterVrt, window, temporary);
        }
        catch
        {
            foreach (var path in temporary) Vsi.Delete(path);
            throw;
        }
    }

    public Raster OpenBefore() => Raster.Open(Before);
    public Raster OpenAfter() => Raster.Open(After);

    /// <summary>A VRT showing <paramref name="window"/> of <paramref name="source"/> (gdal_translate -srcwin), georeferenced.</summary>
    static void WriteWindowVrt(Raster source, PixelWindow window, string vrtPath)
    {
        var c = CultureInfo.InvariantCulture;
        using var argv = new CStringList(["-of", "VRT", "-srcwin", window.X.ToString(c), window.Y.ToString(c), window.Width.ToString(c), window.Height.ToString(c)]);
        var options = TranslateApi.GDALTranslateOptionsNew(argv.Handle, IntPtr.Zero);
        if (options == IntPtr.Zero) throw new GdalException($"Invalid translate options: {GdalLibrary.TakeError()}");
        try
        {
            int usageError;
            GdalLibrary.ClearError();
            var dataset = TranslateApi.GDALTranslate(vrtPath, source.Handle, options, &usageError);
            if (dataset == IntPtr.Zero) throw new GdalException($"Cannot cut {window} out of '{source.Path}': {GdalLibrary.TakeError()}");
            GdalRasterApi.GDALClose(dataset);
        }
        finally
        {
            TranslateApi.GDALTranslateOptionsFree(options);
        }
    }

    public void Dispose()
    {
        foreach (var path in temporary) Vsi.Delete(path);
        temporary.Clear();
    }
}
