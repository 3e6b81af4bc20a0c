using GeoDense.Geo;
using GeoDense.Torch;

namespace GeoDense.Tasks.Detection.Dota;

/// <summary>How a DOTA image is cut into patches on the fly: the window grid, the pad colour and the cut-object policy.</summary>
/// <param name="Grid">1024 / gap 200 (<see cref="GridOptions.Dota"/>) or the multi-scale 0.5/1.0/1.5 with gap 500</param>
/// <param name="PadColour">per band, in raw pixel values: the pipeline's input mean</param>
/// <param name="Bands">1-based bands read (default 1, 2, 3)</param>
/// <param name="SkipEmpty">leave out patches without objects (training; the reference splits its training set so)</param>
public sealed record DotaPatchOptions(GridOptions Grid, IReadOnlyList<float> PadColour, int[]? Bands = null,
                                      DotaSplitPolicy? Policy = null, bool SkipEmpty = false)
{
    public DotaSplitPolicy EffectivePolicy => Policy ?? DotaSplitPolicy.BboxToolkit;
    public int[] EffectiveBands => Bands ?? [1, 2, 3];
}

/// <summary>
/// One window of a DOTA image: its pixels (bands x <see cref="Height"/> x <see cref="Width"/>, raw values, rescaled for
/// rates other than 1, padded with the mean colour), the objects it carries in its own pixel coordinates, and where it
/// came from: <see cref="Left"/>/<see cref="Up"/> in the image rescaled by <see cref="Rate"/> (DOTA_devkit's patch naming).
/// </summary>
public sealed record DotaPatch(GridWindow Window, float[] Pixels, int Bands, IReadOnlyList<DotaObject> Objects)
{
    public int Width => Window.OutputWidth;
    public int Height => Window.OutputHeight;
    public int Left => Window.Left;
    public int Up => Window.Top;
    public double Rate => Window.Scale;

    /// <summary>`{image}__{rate}__{left}___{up}`.</summary>
    public string Name(string imageName) => Window.DotaPatchName(imageName);

    /// <summary>The pixels as a float32 tensor [bands, H, W].</summary>
    public Tensor ToTensor() => Tensor.FromArray(Pixels, Bands, Height, Width);
}

/// <summary>
/// The patch enumerator training and detection share: windows of any GDAL-readable image (PNG, JPEG, TIFF; 8-bit or
/// wider) cut on the fly with the Geo window grid — no pre-cut copies on disk — under <see cref="DotaSplitPolicy"/>.
/// </summary>
public static class DotaPatches
{
    /// <summary>The windows of a <paramref name="width"/> x <paramref name="height"/> image that become patches.</summary>
    public static IReadOnlyList<GridWindow> Windows(int width, int height, DotaPatchOptions options) =>
        options.EffectivePolicy.KeepWindows(WindowGrid.Create(width, height, options.Grid), width, height);

    /// <summary>
    /// Patches of <paramref name="imagePath"/> in window order, read one at a time (memory: one window). With
    /// <paramref name="labels"/> each patch carries its objects; without, patches carry none.
    /// </summary>
    public static IEnumerable<DotaPatch> Enumerate(string imagePath, DotaLabels? labels, DotaPatchOptions options)
    {
        using var raster = Raster.Open(imagePath);
        var bands = options.EffectiveBands;
        CheckBands(raster, bands, options.PadColour);
        foreach (var window in Windows(raster.Width, raster.Height, options))
        {
            var objects = labels is null ? [] : options.EffectivePolicy.ObjectsIn(window, labels.Objects);
            if (options.SkipEmpty && objects.Count == 0) continue;
            var pixels = new float[bands.Length * window.OutputWidth * window.OutputHeight];
            ReadWindow(raster, window, bands, options.PadColour, pixels);
            yield return new DotaPatch(window, pixels, bands.Length, objects);
        }
    }

    /// <summary>
    /// Reads one window: outside the image and nodata become <paramref name="padColour"/> per band (GDAL pads with one
    /// value, so it pads with NaN and the colour is filled in afterwards).
    /// </summary>
    public static void ReadWindow(Raster raster, GridWindow window, int[] bands, IReadOnlyList<float> padColour, Span<float> destination)
    {
        raster.Read<float>(window.Source, bands, destination,
            new WindowReadOptions(float.NaN, NodataAsPad: true, window.OutputWidth, window.OutputHeight, Resampling.Bilinear));
        FillPadding(destination, bands.Length, padColour);
    }

    /// <summary>NaN (padding, nodata) in each band plane of <paramref name="tile"/> becomes that band's colour.</summary>
    public static void FillPadding(Span<float> tile, int bands, IReadOnlyList<float> padColour)
    {
        int plane = tile.Length / bands;
        for (int b = 0; b < bands; b++)
        {
            var p = tile.Slice(b * plane, plane);
            float c = padColour[b];
            for (int i = 0; i < p.Length; i++)
                if (float.IsNaN(p[i])) p[i] = c;
        }
    }

    internal static void CheckBands(Raster raster, int[] bands, IReadOnlyList<float> padColour)
    {
        if (padColour.Count != bands.Length)
            throw new ArgumentException($"{padColour.Count} pad colour values for {bands.Length} bands");
        foreach (var b in bands)
            if (b > raster.BandCount)
                throw new DotaFormatException($"{raster.Path}: has {raster.BandCount} band(s), but band {b} is needed; give an RGB image or set input.bands");
    }
}
