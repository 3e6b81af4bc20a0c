using GeoDense.Geo;
using GeoDense.Tasks.Detection;
using GeoDense.Tasks.Detection.Dota;
using GeoDense.Tasks.Segmentation;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.Demo;

/// <summary>
/// The demo's synthetic area, one georeferenced grid (UTM 33N, 5 cm pixels) seen on two dates. The town
/// (<see cref="SyntheticTown"/>) fills the top <see cref="TownRows"/> rows; below it an open field holds plane-, ship- and
/// vehicle-like oriented objects (<see cref="SyntheticObjects"/>, in squares of <see cref="FieldRows"/>²). The objects to
/// detect are those and the town's cars (small vehicles). Date 2 is the
/// town <see cref="SyntheticTown.Rebuilt"/> (buildings demolished and built), under another sun: a per-band gain and
/// offset and its own sensor noise. The objects stand still. Columns left of <see cref="NodataColumns"/> are nodata
/// (0, declared) on both dates. Deterministic in <see cref="Seed"/>.
/// </summary>
public sealed record DemoArea(int Width, int TownRows, int FieldRows, int Seed, int NodataColumns = 0)
{
    /// <summary>Truth value of pixels that are not scored (the nodata strip).</summary>
    public const byte Unscored = 255;

    /// <summary>Segmentation classes (Potsdam's; clutter is the demo pipeline's ignore_index).</summary>
    const byte Building = 1, LowVegetation = 2, Clutter = 5;

    /// <summary>The detection class of the town's cars: the vehicle-like kind of <see cref="SyntheticObjects"/>.</summary>
    const string VehicleClass = "small-vehicle";

    public int Height => TownRows + FieldRows;

    public GeoTransform Transform => SyntheticPotsdam.GeoTransformFor(Seed);

    /// <summary>Both dates and every truth, in memory (band-sequential RGB bytes; one byte per pixel for the truths).</summary>
    public DemoAreaImages Render()
    {
        int plane = Width * Height;
        var date1 = new byte[3 * plane];
        var date2 = new byte[3 * plane];
        var classes = new byte[plane];
        var change = new byte[plane];
        var objects = new List<DotaObject>();

        if (TownRows > 0)
        {
            var town = SyntheticTown.Generate(Width, TownRows, Seed);
            var later = town.Rebuilt(Seed + 1, demolishedShare: 0.25, built: Math.Max(1, Width * TownRows / 120_000));
            int townPlane = Width * TownRows;
            var laterClasses = new byte[townPlane];
            town.Render(0, 0, Width, TownRows, date1.AsSpan(0, townPlane), date1.AsSpan(plane, townPlane), date1.AsSpan(2 * plane, townPlane),
                classes.AsSpan(0, townPlane));
            later.Render(0, 0, Width, TownRows, date2.AsSpan(0, townPlane), date2.AsSpan(plane, townPlane), date2.AsSpan(2 * plane, townPlane),
                laterClasses);
            // the town's cars are vehicles to detect too (axis-aligned, in DOTA's corner order), unless the nodata strip hides them
            objects.AddRange(town.Cars.Where(c => c.Left >= NodataColumns).Select(c =>
                new DotaObject(new Quad(c.Left, c.Top, c.Right, c.Top, c.Right, c.Bottom, c.Left, c.Bottom), VehicleClass, Difficult: false)));
            // a change is a building that appeared or disappeared; everything else is the same ground under another sun
            for (int i = 0; i < townPlane; i++)
                change[i] = (byte)((classes[i] == Building) != (laterClasses[i] == Building) ? 1 : 0);
        }

        // the field: squares of generated ground with objects, right of the nodata strip so that every object is visible
        for (int x0 = NodataColumns, square = 0; FieldRows > 0 && x0 < Width; x0 += FieldRows, square++)
        {
            int columns = Math.Min(FieldRows, Width - x0);
            bool whole = columns == FieldRows;
            var (pixels, placed) = SyntheticObjects.Render(FieldRows, whole ? FieldRows * FieldRows / 9000 : 0,
                new CounterRandom(Seed, TrainingStream.DataOrder, square));
            int fieldPlane = FieldRows * FieldRows;
            for (int b = 0; b < 3; b++)
                for (int y = 0; y < FieldRows; y++)
                {
                    var row = pixels.AsSpan(b * fieldPlane + y * FieldRows, columns);
                    row.CopyTo(date1.AsSpan(b * plane + (TownRows + y) * Width + x0));
                    row.CopyTo(date2.AsSpan(b * plane + (TownRows + y) * Width + x0));
                }
            objects.AddRange(placed.Select(o => o with { Polygon = o.Polygon.Transform(1, x0, 1, TownRows) }));
        }
        // the field's ground is low vegetation; its objects are clutter (painted in their kind's exact colour, which no ground pixel has)
        var objectColours = SyntheticObjects.Kinds.Select(k => (k.R, k.G, k.B)).ToHashSet();
        for (int i = TownRows * Width; i < plane; i++)
            classes[i] = objectColours.Contains((date1[i], date1[plane + i], date1[2 * plane + i])) ? Clutter : LowVegetation;

        Illuminate(date2, plane);
        for (int y = 0; y < Height; y++)
        {
            int columns = Math.Min(NodataColumns, Width);
            for (int b = 0; b < 3; b++)
            {
                date1.AsSpan(b * plane + y * Width, columns).Clear();
                date2.AsSpan(b * plane + y * Width, columns).Clear();
            }
            classes.AsSpan(y * Width, columns).Fill(Unscored);
            change.AsSpan(y * Width, columns).Fill(Unscored);
        }
        return new DemoAreaImages(Width, Height, date1, date2, classes, change, objects);
    }

    /// <summary>Date 2's sun and sensor: a warmer, brighter light (per-band gain and offset) and noise of its own — not change.</summary>
    void Illuminate(byte[] image, int plane)
    {
        double[] gain = [1.15, 1.02, 0.82], offset = [14, 6, -8];
        var noise = new CounterRandom(Seed, TrainingStream.Augmentation, 2);
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < plane; i++)
                image[b * plane + i] = (byte)Math.Clamp(Math.Round(image[b * plane + i] * gain[b] + offset[b] + noise.Next(-5, 6)), 1, 255);
    }

    /// <summary>Writes both dates as COGs with the nodata strip declared; returns their paths.</summary>
    public (string Date1, string Date2) WriteDates(DemoAreaImages images, string folder)
    {
        Directory.CreateDirectory(folder);
        string date1 = Path.Combine(folder, "date1.tif"), date2 = Path.Combine(folder, "date2.tif");
        WriteRaster(date1, images.Date1, 3, NodataColumns > 0 ? 0 : null);
        WriteRaster(date2, images.Date2, 3, NodataColumns > 0 ? 0 : null);
        return (date1, date2);
    }

    /// <summary>Date 1 and its classes as an ISPRS Potsdam tile (`2_Ortho_RGB/`, RGB-coded `5_Labels_all/`), to train segmentation on.</summary>
    public void WritePotsdamTile(string root, string id)
    {
        var images = Render();
        int plane = Width * Height;
        var labels = new byte[3 * plane];
        PotsdamPalette.Encode(images.Classes, labels.AsSpan(0, plane), labels.AsSpan(plane, plane), labels.AsSpan(2 * plane, plane));
        foreach (var (folder, file, pixels) in new[] { ("2_Ortho_RGB", $"top_potsdam_{id}_RGB.tif", images.Date1), ("5_Labels_all", $"top_potsdam_{id}_label.tif", labels) })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            WriteRaster(Path.Combine(root, folder, file), pixels, 3, null);
        }
    }

    /// <summary>A georeferenced raster of the area (COG): bands of <paramref name="pixels"/>, band-sequential.</summary>
    public void WriteRaster(string path, byte[] pixels, int bands, double? nodata)
    {
        var spec = new RasterSpec(Width, Height, bands, RasterDataType.Byte, Transform, SpatialReference.FromEpsg(32633), nodata);
        using var writer = RasterWriter.Create(path, spec, GeoTiffOptions.CloudOptimized);
        writer.Write<byte>(PixelWindow.Full(Width, Height), Enumerable.Range(1, bands).ToArray(), pixels);
        writer.Commit();
    }
}

/// <summary>
/// The area rendered: both dates (band-sequential RGB), the segmentation truth (Potsdam's classes; <see cref="DemoArea.Unscored"/>
/// on nodata), the change truth (0/1; unscored on nodata) and the objects in pixel coordinates.
/// </summary>
public sealed record DemoAreaImages(int Width, int Height, byte[] Date1, byte[] Date2, byte[] Classes, byte[] Change,
    IReadOnlyList<DotaObject> Objects);
