namespace GeoDense.Geo;

/// <summary>
/// A sliding-window grid: square tiles of <see cref="TileSize"/> every <see cref="Stride"/> pixels, optionally on
/// rescaled copies of the raster (<see cref="Scales"/>, DOTA's multi-scale rates). Rasters smaller than a tile get one
/// padded window when <see cref="PadSmallRasters"/>; windows whose pixels are all nodata are dropped with
/// <see cref="SkipNodata"/>.
/// </summary>
public sealed record GridOptions(int TileSize, int Stride, IReadOnlyList<double>? Scales = null,
                                 bool PadSmallRasters = true, bool SkipNodata = false)
{
    /// <summary>ISPRS Potsdam in LeMeViT/mmseg: 512 crops, 384 stride.</summary>
    public static GridOptions Potsdam { get; } = new(512, 384);

    /// <summary>DOTA_devkit single scale: 1024 patches, gap 200.</summary>
    public static GridOptions Dota { get; } = FromGap(1024, 200);

    /// <summary>DOTA multi-scale: rates 0.5, 1.0, 1.5 with gap 500.</summary>
    public static GridOptions DotaMultiScale { get; } = FromGap(1024, 500) with { Scales = [0.5, 1.0, 1.5] };

    /// <summary>CDD change detection: 256 patches, no overlap.</summary>
    public static GridOptions Cdd { get; } = new(256, 256);

    /// <summary>DOTA_devkit style: <paramref name="gap"/> pixels shared by neighbouring tiles.</summary>
    public static GridOptions FromGap(int tileSize, int gap) => new(tileSize, tileSize - gap);

    public IReadOnlyList<double> EffectiveScales => Scales is { Count: > 0 } s ? s : [1.0];

    internal void Validate()
    {
        if (TileSize <= 0) throw new ArgumentException($"Tile size must be positive (got {TileSize}).");
        if (Stride <= 0 || Stride > TileSize)
            throw new ArgumentException($"Stride must be in 1..tile size {TileSize} so no pixel is skipped (got {Stride}).");
        foreach (var s in EffectiveScales)
            if (!(s > 0) || double.IsInfinity(s)) throw new ArgumentException($"Scale {s} must be a positive number.");
    }
}

/// <summary>
/// One window of a grid. <see cref="Source"/> is the rectangle in source-raster pixels (it reaches outside the raster
/// only when a small raster is padded); the model sees <see cref="OutputWidth"/> x <see cref="OutputHeight"/> pixels.
/// <see cref="Left"/>/<see cref="Top"/> are the corner in the rescaled image (DOTA patch names use them).
/// </summary>
public sealed record GridWindow(int Index, PixelWindow Source, int OutputWidth, int OutputHeight, double Scale, int Left, int Top)
{
    public bool IsRescaled => OutputWidth != Source.Width || OutputHeight != Source.Height;

    /// <summary>DOTA_devkit's patch name, <c>{image}__{rate}__{left}___{up}</c>, with the rate written as Python prints it.</summary>
    public string DotaPatchName(string imageName)
    {
        var rate = Scale == Math.Floor(Scale)
            ? Scale.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)
            : Scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return $"{imageName}__{rate}__{Left}___{Top}";
    }
}
