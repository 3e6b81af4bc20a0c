namespace GeoDense.Tasks.Segmentation;

/// <summary>
/// ISPRS Potsdam's RGB label coding. Class indices follow the LeMeViT/mmseg class order; the eroded
/// "noBoundary" labels paint boundaries black, which (like any unknown colour) decodes to the ignore value.
/// </summary>
public static class PotsdamPalette
{
    public static readonly string[] ClassNames =
        ["impervious_surface", "building", "low_vegetation", "tree", "car", "clutter"];

    /// <summary>RGB of class i (white, blue, cyan, green, yellow, red).</summary>
    public static readonly (byte R, byte G, byte B)[] Colors =
        [(255, 255, 255), (0, 0, 255), (0, 255, 255), (0, 255, 0), (255, 255, 0), (255, 0, 0)];

    public const int Clutter = 5;

    /// <summary>Decodes band-sequential R, G, B planes (each <paramref name="pixels"/> long) into class indices.</summary>
    public static void Decode(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<byte> classes, byte ignore)
    {
        for (int i = 0; i < classes.Length; i++) classes[i] = Lookup(r[i], g[i], b[i], ignore);
    }

    public static byte Lookup(byte r, byte g, byte b, byte ignore)
    {
        // Potsdam labels are pure primaries/secondaries; anything else (black boundary, JPEG noise) is ignored.
        if ((r != 0 && r != 255) || (g != 0 && g != 255) || (b != 0 && b != 255)) return ignore;
        return (r, g, b) switch
        {
            (255, 255, 255) => 0,
            (0, 0, 255) => 1,
            (0, 255, 255) => 2,
            (0, 255, 0) => 3,
            (255, 255, 0) => 4,
            (255, 0, 0) => 5,
            _ => ignore,
        };
    }

    /// <summary>Encodes class indices back to R, G, B planes; ignored/unknown indices become black.</summary>
    public static void Encode(ReadOnlySpan<byte> classes, Span<byte> r, Span<byte> g, Span<byte> b)
    {
        for (int i = 0; i < classes.Length; i++)
        {
            var c = classes[i] < Colors.Length ? Colors[classes[i]] : ((byte)0, (byte)0, (byte)0);
            r[i] = c.Item1; g[i] = c.Item2; b[i] = c.Item3;
        }
    }
}
