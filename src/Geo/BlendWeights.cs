namespace GeoDense.Geo;

/// <summary>How overlapping windows are combined.</summary>
public enum BlendMode
{
    /// <summary>Weights ramp up with a half cosine over the overlap: seams vanish, centres dominate.</summary>
    Cosine,
    /// <summary>Weights ramp up linearly over the overlap (a pyramid window in 2-D).</summary>
    Linear,
    /// <summary>Plain mean of every window covering a pixel.</summary>
    Average,
    /// <summary>Each window contributes only its centre (margins of half the overlap dropped), except at the raster edge.</summary>
    Crop,
}

/// <summary>Separable per-window weights along one axis of a window.</summary>
internal static class BlendWeights
{
    /// <summary>Weight outside a crop window's centre: tiny, so a pixel no centre covers still gets a value.</summary>
    private const float CropOutside = 1e-6f;
    /// <summary>Smallest ramp weight, so a pixel only ramp ends cover still gets a well-defined value.</summary>
    private const float RampFloor = 1e-3f;

    /// <param name="length">Window length in output pixels.</param>
    /// <param name="overlap">Overlap between neighbours in output pixels.</param>
    /// <param name="taperStart">False when this side touches the raster edge (no neighbour to blend with).</param>
    /// <param name="taperEnd">Same for the far side.</param>
    public static float[] Axis(BlendMode mode, int length, int overlap, bool taperStart, bool taperEnd)
    {
        var w = new float[length];
        Array.Fill(w, 1f);
        if (mode == BlendMode.Average || overlap <= 0) return w;
        if (mode == BlendMode.Crop)
        {
            int margin = Math.Min(overlap / 2, (length - 1) / 2);
            for (int i = 0; i < margin; i++)
            {
                if (taperStart) w[i] = CropOutside;
                if (taperEnd) w[length - 1 - i] = CropOutside;
            }
            return w;
        }
        int ramp = Math.Min(overlap, length / 2);
        for (int i = 0; i < ramp; i++)
        {
            float t = (i + 0.5f) / ramp;
            var v = MathF.Max(RampFloor, mode == BlendMode.Linear ? t : 0.5f - 0.5f * MathF.Cos(MathF.PI * t));
            if (taperStart) w[i] = v;
            if (taperEnd) w[length - 1 - i] = v;
        }
        return w;
    }
}
