using System.Text.Json;
using GeoDense.Geo;
using GeoDense.IO;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>
/// The JSON summary of one change map: where it lies (CRS, grid, pixel size) and how much changed. Areas are in the
/// CRS's map units squared (m² for UTM, degrees² for a geographic CRS); `region_areas` are the change polygons'
/// areas, largest first, and add up to `changed_area`.
/// </summary>
public sealed record ChangeSummary(
    string Before, string After, string? Crs, int? Epsg, int Width, int Height, double[] GeoTransform, double[] PixelSize,
    long ValidPixels, long ChangedPixels, double ValidArea, double ChangedArea, double ChangedFraction,
    int Regions, IReadOnlyList<double> RegionAreas)
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static ChangeSummary Of(ChangeMapPair pair, RasterGrid grid, ChangeCounts counts, IReadOnlyList<VectorFeature> regions)
    {
        var transform = grid.GeoTransform ?? Geo.GeoTransform.Identity;
        double pixelArea = Math.Abs(transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation);
        return new ChangeSummary(pair.Before, pair.After, grid.Crs?.Name, grid.Crs?.Epsg, grid.Width, grid.Height, transform.ToArray(),
            [Math.Abs(transform.PixelWidth), Math.Abs(transform.PixelHeight)],
            counts.Valid, counts.Changed, counts.Valid * pixelArea, counts.Changed * pixelArea,
            counts.Valid == 0 ? 0 : (double)counts.Changed / counts.Valid,
            regions.Count, regions.Select(r => r.Area ?? r.Geometry.Area).OrderDescending().ToList());
    }

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static ChangeSummary Read(string path) => JsonSerializer.Deserialize<ChangeSummary>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path}: not a change summary");
}

/// <summary>Valid and changed pixels of a binary change map, counted as the stitcher finishes each output block.</summary>
public sealed class ChangeCounts
{
    public long Valid { get; private set; }
    public long Changed { get; private set; }

    /// <summary>A <see cref="ClassBlockSink"/>: 0 unchanged, 1 changed, anything else nodata.</summary>
    public void Add(PixelWindow block, ReadOnlySpan<byte> classIds)
    {
        foreach (var id in classIds)
        {
            if (id == 1) { Valid++; Changed++; }
            else if (id == 0) Valid++;
        }
    }
}
