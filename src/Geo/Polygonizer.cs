using NetTopologySuite.Geometries;

namespace GeoDense.Geo;

/// <summary>
/// Turns class maps into polygons: one polygon (with its holes) per 4-connected region of one class, as GDALPolygonize
/// does, traced by <see cref="RegionTracer"/> while the map streams past row by row. Polygon exteriors run
/// counter-clockwise and holes clockwise on north-up maps (RFC 7946).
/// </summary>
public static class Polygonizer
{
    /// <summary>
    /// Polygonises band <paramref name="band"/> of a class raster. Nodata pixels and classes in
    /// <paramref name="skipClasses"/> (e.g. background) produce no polygon. Coordinates are in the raster's CRS.
    /// Every polygon is held in memory: for a mosaic's class map use <see cref="PolygonizeTo"/>.
    /// </summary>
    public static List<VectorFeature> Polygonize(Raster classRaster, int band = 1, IReadOnlyCollection<int>? skipClasses = null,
        IReadOnlyList<string>? classNames = null)
    {
        var features = new List<VectorFeature>();
        var transform = classRaster.GeoTransform ?? GeoTransform.Identity;
        var factory = new GeometryFactory();
        Trace(classRaster, band, skipClasses, region =>
            features.Add(new VectorFeature(new TracedPolygon(region, transform).ToPolygon(factory), region.ClassId, NameOf(region.ClassId, classNames))));
        return features;
    }

    /// <summary>
    /// Polygonises like <see cref="Polygonize(Raster, int, IReadOnlyCollection{int}?, IReadOnlyList{string}?)"/> and
    /// writes each polygon, as soon as its region is finished, to every one of <paramref name="outputs"/> (as
    /// <see cref="VectorWriter"/> writes them). Memory follows the map's width, not its area: what is held is the
    /// current row's open outlines and the closed rings of regions still open (docs/geo.md, "Memory"). A class_name
    /// column is written when <paramref name="classNames"/> names any class. Cancelling leaves no output behind.
    /// </summary>
    public static void PolygonizeTo(Raster classRaster, IReadOnlyList<(string Path, VectorFormat Format)> outputs, string layerName,
        int band = 1, IReadOnlyCollection<int>? skipClasses = null, IReadOnlyList<string>? classNames = null,
        CancellationToken cancellationToken = default)
    {
        if (outputs.Count == 0) return;
        var fields = new VectorFields(ClassName: classNames is { Count: > 0 }, Score: false, Area: false, PolygonsOnly: true);
        var transform = classRaster.GeoTransform ?? GeoTransform.Identity;
        var sinks = new List<VectorSink>();
        try
        {
            foreach (var (path, format) in outputs) sinks.Add(VectorWriter.Open(path, fields, classRaster.SpatialReference, format, layerName));
            Trace(classRaster, band, skipClasses, region =>
            {
                var row = new VectorRow(new TracedPolygon(region, transform), region.ClassId, NameOf(region.ClassId, classNames));
                foreach (var sink in sinks) sink.Add(row);
            }, cancellationToken);
            foreach (var sink in sinks) sink.Commit();
        }
        finally
        {
            foreach (var sink in sinks) sink.Dispose();
        }
    }

    /// <summary>Polygonises an in-memory class map (rows x columns) placed by <paramref name="transform"/> (pixel space when null).</summary>
    public static List<VectorFeature> Polygonize(ReadOnlySpan<byte> classIds, int width, int height, GeoTransform? transform,
        SpatialReference? crs = null, byte? noData = 255, IReadOnlyCollection<int>? skipClasses = null,
        IReadOnlyList<string>? classNames = null)
    {
        using var raster = Raster.CreateInMemory(new RasterSpec(width, height, 1, RasterDataType.Byte, transform, crs, noData));
        raster.Write(PixelWindow.Full(width, height), [1], classIds);
        return Polygonize(raster, 1, skipClasses, classNames);
    }

    private static string? NameOf(int classId, IReadOnlyList<string>? classNames) =>
        classNames is not null && classId >= 0 && classId < classNames.Count ? classNames[classId] : null;

    /// <summary>
    /// Streams the band through a <see cref="RegionTracer"/> a few rows at a time (about 4 MB of values per read, so
    /// the buffer does not grow with the width either).
    /// </summary>
    private static void Trace(Raster classRaster, int band, IReadOnlyCollection<int>? skipClasses, Action<TracedRegion> emit,
        CancellationToken cancellationToken = default)
    {
        int width = classRaster.Width, height = classRaster.Height;
        var info = classRaster.Band(band);
        if (info.DataType.IsFloatingPoint() || info.DataType.IsComplex())
            throw new RasterInputException(classRaster.Path, $"Band {band} of '{classRaster.Path}' holds {info.DataType} values; " +
                "a class map holds whole class ids (Byte or an integer type).");
        int? noData = info.NoData is { } value && value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;
        var skip = new HashSet<int>(skipClasses ?? []);
        if (noData is { } n) skip.Add(n);
        // small class ids are looked up in a table, not a hash set: this runs once per pixel of the mosaic
        var skipTable = new bool[256];
        foreach (var id in skip) if (id is >= 0 and < 256) skipTable[id] = true;
        bool skipLarge = skip.Any(id => id is < 0 or >= 256);

        var tracer = new RegionTracer(width, emit);
        int rowsPerRead = Math.Clamp((1 << 20) / width, 1, height);
        var values = new int[rowsPerRead * width];
        for (int y0 = 0; y0 < height; y0 += rowsPerRead)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(rowsPerRead, height - y0);
            var block = values.AsSpan(0, rows * width);
            classRaster.Read<int>(new PixelWindow(0, y0, width, rows), [band], block);
            for (int i = 0; i < block.Length; i++)
            {
                int v = block[i];
                if ((uint)v < 256 ? skipTable[v] : skipLarge && skip.Contains(v)) block[i] = RegionTracer.Outside;
                else if (v < 0)
                    throw new RasterInputException(classRaster.Path, $"'{classRaster.Path}' holds the class id {v}; class ids are 0 or more " +
                        "(declare negative values as nodata if they mark missing pixels).");
            }
            for (int r = 0; r < rows; r++) tracer.Add(block.Slice(r * width, width));
        }
        tracer.Complete();
    }
}
