using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// The reference's training augmentation, drawn once per pair and applied identically to both dates and the mask:
/// horizontal flip, vertical flip, then a turn by 90°, 180° or 270° (one of the three, with probability rotate90).
/// Extras, off in the reference pipeline: a crop at the same place in both dates, and brightness/contrast jitter drawn
/// separately per date (so a global illumination change between dates is seen as "no change").
/// Non-square images only turn by 180° (a quarter turn would change the batch's shape).
/// </summary>
public sealed class ChangeAugmentation(ChangeAugmentSection options)
{
    public ChangeSample Apply(ChangeSample s, Random random)
    {
        if (options.CropSize > 0) s = Crop(s, options.CropSize, random);
        bool h = random.NextDouble() < options.HorizontalFlip, v = random.NextDouble() < options.VerticalFlip;
        int turns = random.NextDouble() < options.Rotate90 ? 1 + random.Next(3) : 0;
        if (s.Height != s.Width && turns % 2 == 1) turns = 2;
        if (h || v || turns > 0) s = Transform(s, h, v, turns);
        if (options.Photometric) s = s with { Before = Jitter(s.Before, random), After = Jitter(s.After, random) };
        return s;
    }

    static ChangeSample Crop(ChangeSample s, int size, Random random)
    {
        if (size > s.Height || size > s.Width) return s;
        int y0 = random.Next(s.Height - size + 1), x0 = random.Next(s.Width - size + 1);
        int Source(int y, int x) => (y0 + y) * s.Width + x0 + x;
        return Remap(s, size, size, Source);
    }

    /// <summary>Flips, then <paramref name="turns"/> counter-clockwise quarter turns (numpy's rot90).</summary>
    static ChangeSample Transform(ChangeSample s, bool horizontal, bool vertical, int turns)
    {
        int H = s.Height, W = s.Width;
        int outH = turns % 2 == 0 ? H : W, outW = turns % 2 == 0 ? W : H;
        int Source(int y, int x)
        {
            // undo the turns: after a counter-clockwise quarter turn, pixel (r, c) of the h x w result came from
            // (c, h-1-r) of the w x h image before it
            int r = y, c = x, h = outH, w = outW;
            for (int t = 0; t < turns; t++) { (r, c) = (c, h - 1 - r); (h, w) = (w, h); }
            if (vertical) r = H - 1 - r;
            if (horizontal) c = W - 1 - c;
            return r * W + c;
        }
        return Remap(s, outH, outW, Source);
    }

    static ChangeSample Remap(ChangeSample s, int outH, int outW, Func<int, int, int> source)
    {
        int plane = s.Height * s.Width, outPlane = outH * outW;
        var index = new int[outPlane];
        for (int y = 0; y < outH; y++)
            for (int x = 0; x < outW; x++) index[y * outW + x] = source(y, x);
        float[] Planes(float[] data)
        {
            var result = new float[s.Bands * outPlane];
            for (int b = 0; b < s.Bands; b++)
                for (int i = 0; i < outPlane; i++) result[b * outPlane + i] = data[b * plane + index[i]];
            return result;
        }
        var label = new byte[outPlane];
        for (int i = 0; i < outPlane; i++) label[i] = s.Label[index[i]];
        return new ChangeSample(Planes(s.Before), Planes(s.After), label, s.Bands, outH, outW);
    }

    /// <summary>value · contrast + brightness, contrast in [0.75, 1.25], brightness in [-32, 32] (8-bit scale).</summary>
    static float[] Jitter(float[] data, Random random)
    {
        float contrast = 0.75f + 0.5f * (float)random.NextDouble(), brightness = 64f * (float)random.NextDouble() - 32f;
        var result = new float[data.Length];
        for (int i = 0; i < data.Length; i++) result[i] = data[i] * contrast + brightness;
        return result;
    }
}
