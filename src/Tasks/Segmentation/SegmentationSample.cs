namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// One training/evaluation sample: band-sequential pixels (Bands x Height x Width, raw values until
/// normalised) and one class index per pixel (ignore index where unknown).
/// </summary>
public sealed record SegmentationSample(int Bands, int Height, int Width, float[] Image, byte[] Labels)
{
    public static SegmentationSample Create(int bands, int height, int width, float[] image, byte[] labels)
    {
        if (image.Length != bands * height * width || labels.Length != height * width)
            throw new ArgumentException($"sample of {bands}x{height}x{width} got {image.Length} pixels and {labels.Length} labels");
        return new SegmentationSample(bands, height, width, image, labels);
    }
}
