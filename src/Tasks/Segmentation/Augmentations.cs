namespace GeoDense.Tasks.Segmentation;

/// <summary>The reference training pipeline's settings (LeMeViT Potsdam: 512 base, 0.5-2.0, crop 512, 0.75).</summary>
public sealed record AugmentationOptions(
    int ResizeBase = 512,
    double MinScale = 0.5,
    double MaxScale = 2.0,
    int CropSize = 512,
    double CatMaxRatio = 0.75,
    double FlipProbability = 0.5,
    bool PhotometricDistortion = true);

/// <summary>
/// mmseg's train pipeline, step by step: Resize(ratio_range, keep ratio) -> RandomCrop(cat_max_ratio) ->
/// RandomFlip -> PhotoMetricDistortion -> Normalize -> Pad(pad_val 0, seg_pad_val ignore).
/// </summary>
public sealed class Augmenter(AugmentationOptions options, float[] mean, float[] std, byte ignoreIndex)
{
    public SegmentationSample Apply(SegmentationSample sample, Random rng)
    {
        var s = RandomResize(sample, rng);
        s = RandomCrop(s, rng);
        if (rng.NextDouble() < options.FlipProbability) s = FlipHorizontal(s);
        if (options.PhotometricDistortion && s.Bands == 3) Photometric.Distort(s, rng);
        Normalize(s, mean, std);
        return Pad(s, options.CropSize, ignoreIndex);
    }

    SegmentationSample RandomResize(SegmentationSample s, Random rng)
    {
        double ratio = options.MinScale + rng.NextDouble() * (options.MaxScale - options.MinScale);
        // keep ratio: the long edge goes to base * ratio (the target scale is square)
        double factor = (int)(options.ResizeBase * ratio) / (double)Math.Max(s.Height, s.Width);
        return Resize(s, (int)(s.Height * factor + 0.5), (int)(s.Width * factor + 0.5));
    }

    SegmentationSample RandomCrop(SegmentationSample s, Random rng)
    {
        int size = options.CropSize;
        (int y, int x) Pick() => (rng.Next(Math.Max(s.Height - size, 0) + 1), rng.Next(Math.Max(s.Width - size, 0) + 1));
        var (y, x) = Pick();
        // retry up to 10 times while one class covers more than cat_max_ratio of the crop
        for (int attempt = 1; attempt < 10 && options.CatMaxRatio < 1 && Dominated(s, y, x, size); attempt++) (y, x) = Pick();
        return Crop(s, y, x, Math.Min(size, s.Height), Math.Min(size, s.Width));
    }

    bool Dominated(SegmentationSample s, int y0, int x0, int size)
    {
        var counts = new long[256];
        for (int y = y0; y < Math.Min(y0 + size, s.Height); y++)
            for (int x = x0; x < Math.Min(x0 + size, s.Width); x++) counts[s.Labels[y * s.Width + x]]++;
        counts[ignoreIndex] = 0;
        long total = counts.Sum(), max = counts.Max();
        int present = counts.Count(c => c > 0);
        return !(present > 1 && max < options.CatMaxRatio * total);
    }

    public static SegmentationSample Resize(SegmentationSample s, int height, int width)
    {
        var image = new float[s.Bands * height * width];
        var labels = new byte[height * width];
        double sy = (double)s.Height / height, sx = (double)s.Width / width;
        for (int y = 0; y < height; y++)
        {
            // bilinear with half-pixel centres (cv2 / align_corners=False) for pixels; nearest for labels
            double fy = Math.Max((y + 0.5) * sy - 0.5, 0);
            int y0 = Math.Min((int)fy, s.Height - 1), y1 = Math.Min(y0 + 1, s.Height - 1);
            double wy = fy - y0;
            int ny = Math.Min((int)(y * sy), s.Height - 1);
            for (int x = 0; x < width; x++)
            {
                double fx = Math.Max((x + 0.5) * sx - 0.5, 0);
                int x0 = Math.Min((int)fx, s.Width - 1), x1 = Math.Min(x0 + 1, s.Width - 1);
                double wx = fx - x0;
                for (int b = 0; b < s.Bands; b++)
                {
                    int o = b * s.Height * s.Width;
                    double top = s.Image[o + y0 * s.Width + x0] * (1 - wx) + s.Image[o + y0 * s.Width + x1] * wx;
                    double bottom = s.Image[o + y1 * s.Width + x0] * (1 - wx) + s.Image[o + y1 * s.Width + x1] * wx;
                    image[b * height * width + y * width + x] = (float)(top * (1 - wy) + bottom * wy);
                }
                labels[y * width + x] = s.Labels[ny * s.Width + Math.Min((int)(x * sx), s.Width - 1)];
            }
        }
        return new SegmentationSample(s.Bands, height, width, image, labels);
    }

    public static SegmentationSample Crop(SegmentationSample s, int y0, int x0, int height, int width)
    {
        var image = new float[s.Bands * height * width];
        var labels = new byte[height * width];
        for (int y = 0; y < height; y++)
        {
            for (int b = 0; b < s.Bands; b++)
                Array.Copy(s.Image, b * s.Height * s.Width + (y0 + y) * s.Width + x0, image, b * height * width + y * width, width);
            Array.Copy(s.Labels, (y0 + y) * s.Width + x0, labels, y * width, width);
        }
        return new SegmentationSample(s.Bands, height, width, image, labels);
    }

    public static SegmentationSample FlipHorizontal(SegmentationSample s)
    {
        var image = new float[s.Image.Length];
        var labels = new byte[s.Labels.Length];
        for (int y = 0; y < s.Height; y++)
            for (int x = 0; x < s.Width; x++)
            {
                int from = y * s.Width + x, to = y * s.Width + (s.Width - 1 - x);
                labels[to] = s.Labels[from];
                for (int b = 0; b < s.Bands; b++) image[b * s.Height * s.Width + to] = s.Image[b * s.Height * s.Width + from];
            }
        return s with { Image = image, Labels = labels };
    }

    public static void Normalize(SegmentationSample s, float[] mean, float[] std)
    {
        if (mean.Length != s.Bands || std.Length != s.Bands)
            throw new ArgumentException($"normalisation has {mean.Length} means and {std.Length} stds for {s.Bands} bands");
        int plane = s.Height * s.Width;
        for (int b = 0; b < s.Bands; b++)
        {
            float m = mean[b], inv = 1f / std[b];
            var span = s.Image.AsSpan(b * plane, plane);
            for (int i = 0; i < span.Length; i++) span[i] = (span[i] - m) * inv;
        }
    }

    /// <summary>Pads bottom/right to at least <paramref name="size"/>: pixels 0 (after normalising), labels ignored.</summary>
    public static SegmentationSample Pad(SegmentationSample s, int size, byte ignore)
    {
        int height = Math.Max(size, s.Height), width = Math.Max(size, s.Width);
        if (height == s.Height && width == s.Width) return s;
        var image = new float[s.Bands * height * width];
        var labels = new byte[height * width];
        Array.Fill(labels, ignore);
        for (int y = 0; y < s.Height; y++)
        {
            for (int b = 0; b < s.Bands; b++)
                Array.Copy(s.Image, b * s.Height * s.Width + y * s.Width, image, b * height * width + y * width, s.Width);
            Array.Copy(s.Labels, y * s.Width, labels, y * width, s.Width);
        }
        return new SegmentationSample(s.Bands, height, width, image, labels);
    }
}
