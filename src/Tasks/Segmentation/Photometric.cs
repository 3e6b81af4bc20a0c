namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// mmseg's PhotoMetricDistortion on 0-255 RGB: each step with probability 0.5 — brightness +-32, contrast
/// x[0.5, 1.5] (before or after the colour steps, chosen at random), saturation x[0.5, 1.5], hue +-18 (in
/// OpenCV's 0-180 hue units, i.e. +-36 degrees). Values are clipped to 0-255 after each step.
/// </summary>
public static class Photometric
{
    public static void Distort(SegmentationSample s, Random rng)
    {
        int plane = s.Height * s.Width;
        var r = s.Image.AsSpan(0, plane); var g = s.Image.AsSpan(plane, plane); var b = s.Image.AsSpan(2 * plane, plane);
        if (rng.Next(2) == 1) AffineAll(s.Image, 1, Uniform(rng, -32, 32));
        bool contrastFirst = rng.Next(2) == 1;
        if (contrastFirst && rng.Next(2) == 1) AffineAll(s.Image, Uniform(rng, 0.5, 1.5), 0);
        double saturation = rng.Next(2) == 1 ? Uniform(rng, 0.5, 1.5) : 1;
        double hueShift = rng.Next(2) == 1 ? 2 * rng.Next(-18, 19) : 0;
        if (saturation != 1 || hueShift != 0)
            for (int i = 0; i < plane; i++) (r[i], g[i], b[i]) = ShiftHsv(r[i], g[i], b[i], saturation, hueShift);
        if (!contrastFirst && rng.Next(2) == 1) AffineAll(s.Image, Uniform(rng, 0.5, 1.5), 0);
    }

    static double Uniform(Random rng, double lo, double hi) => lo + rng.NextDouble() * (hi - lo);

    static void AffineAll(float[] pixels, double scale, double shift)
    {
        for (int i = 0; i < pixels.Length; i++) pixels[i] = Math.Clamp((float)(pixels[i] * scale + shift), 0f, 255f);
    }

    static (float, float, float) ShiftHsv(float r, float g, float b, double saturation, double hueDegrees)
    {
        float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), delta = max - min;
        double h = 0;
        if (delta > 0)
            h = max == r ? 60 * ((g - b) / delta) : max == g ? 60 * ((b - r) / delta + 2) : 60 * ((r - g) / delta + 4);
        double s = max == 0 ? 0 : delta / max, v = max;
        h = ((h + hueDegrees) % 360 + 360) % 360;
        s = Math.Clamp(s * saturation, 0, 1);
        double c = v * s, x = c * (1 - Math.Abs(h / 60 % 2 - 1)), m = v - c;
        var (rr, gg, bb) = (int)(h / 60) switch
        {
            0 => (c, x, 0.0), 1 => (x, c, 0.0), 2 => (0.0, c, x), 3 => (0.0, x, c), 4 => (x, 0.0, c), _ => (c, 0.0, x),
        };
        return ((float)(rr + m), (float)(gg + m), (float)(bb + m));
    }
}
