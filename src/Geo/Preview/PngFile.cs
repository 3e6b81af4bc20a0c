using SkiaSharp;

namespace GeoDense.Geo;

/// <summary>
/// The one PNG writer: encodes with SkiaSharp and writes under a temporary sibling name, renamed when complete
/// (see <see cref="GeoDense.IO.AtomicFile"/>). /vsimem/ targets are written through GDAL's memory file system.
/// </summary>
public static class PngFile
{
    /// <summary>Writes band-sequential R, G, B planes (each <paramref name="width"/> x <paramref name="height"/>) as an opaque PNG.</summary>
    public static void WriteRgb(string path, ReadOnlySpan<byte> planes, int width, int height)
    {
        using var image = FromPlanes(planes, width, height);
        Write(path, image);
    }

    public static void Write(string path, SKImage image)
    {
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}x{image.Height} PNG for '{path}'");
        using var output = VsiFileSystem.Begin(path);
        if (Vsi.IsVirtual(output.TemporaryPath)) Vsi.WriteMemoryFile(output.TemporaryPath, data.AsSpan());
        else using (var file = File.Create(output.TemporaryPath)) data.SaveTo(file);
        output.Commit();
    }

    /// <summary>An opaque image from band-sequential planes (GDAL's layout) interleaved to Skia's RGBA.</summary>
    internal static SKImage FromPlanes(ReadOnlySpan<byte> planes, int width, int height)
    {
        int plane = width * height;
        if (planes.Length != 3 * plane) throw new ArgumentException($"{planes.Length} bytes are not 3 planes of {width}x{height}", nameof(planes));
        var rgba = new byte[4 * plane];
        for (int p = 0; p < plane; p++)
        {
            rgba[4 * p] = planes[p];
            rgba[4 * p + 1] = planes[plane + p];
            rgba[4 * p + 2] = planes[2 * plane + p];
            rgba[4 * p + 3] = 255;
        }
        return FromRgba(rgba, width, height);
    }

    internal static SKImage FromRgba(byte[] rgba, int width, int height) =>
        SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), rgba)
        ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}x{height} image");
}
