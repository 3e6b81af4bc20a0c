namespace GeoDense.Geo;

public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>Class colours. The first six are the ISPRS Potsdam label colours.</summary>
public static class Palettes
{
    /// <summary>Pixels with no class (class id 255 or the band's nodata) are painted this grey, and the legend says so.</summary>
    public static readonly Rgb NoData = new(128, 128, 128);

    public static IReadOnlyList<Rgb> Default(int classes)
    {
        Rgb[] potsdam = [new(255, 255, 255), new(0, 0, 255), new(0, 255, 255), new(0, 255, 0), new(255, 255, 0), new(255, 0, 0)];
        return Enumerable.Range(0, classes).Select(i => i < potsdam.Length ? potsdam[i]
            : new Rgb((byte)(37 * i % 256), (byte)(91 * i % 256), (byte)(173 * i % 256))).ToArray();
    }
}
