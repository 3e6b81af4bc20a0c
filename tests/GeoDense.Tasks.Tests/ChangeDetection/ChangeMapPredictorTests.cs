using GeoDense.Geo;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Inference;
using GeoDense.Torch;
using NetTopologySuite.Geometries;

namespace GeoDense.Tasks.Tests.ChangeDetection;

public class ChangeMapPredictorTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("change-map").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    // 40 x 30 m, added between the dates, in the before image's UTM coordinates
    static readonly MapRectangle Added = new(400_150, 5_799_850, 400_190, 5_799_880);

    /// <summary>
    /// Before: 320 x 256 m in UTM 33N at 1 m. After: Web Mercator at 1.6 m (about 1 m on the ground), shifted 60 m east
    /// and 20 m south, so the dates share only part of their extent.
    /// </summary>
    (string Before, string After) Dates(SyntheticDatePair? scene = null)
    {
        var (before, after) = (Path.Combine(dir, "2019.tif"), Path.Combine(dir, "2021.tif"));
        (scene ?? new SyntheticDatePair(320, 256, AfterShiftX: 60, AfterShiftY: -20, Added: [Added])).Write(before, after);
        return (before, after);
    }

    static ChangeMapPredictor Predictor(string formats = "[cog, probabilities, geojson, gpkg, png]", ChangeForward? model = null) =>
        new(ChangeMaps.Pipeline(formats), model ?? ChangeMaps.Differencing, Device.Cpu);

    [Fact]
    public void Object_added_between_dates_in_different_crs_is_found_where_it_is_on_the_before_grid()
    {
        var (before, after) = Dates();
        using (var a = Raster.Open(after)) Assert.Equal(3857, a.SpatialReference!.Epsg);
        var progress = new List<InferenceProgress>();
        var outputs = Predictor().PredictAll(ChangeMapPairs.Single(before, after), Path.Combine(dir, "out"), progress.Add).Single();

        // the change map lies on the before image's grid, cut to what the after image covers
        using var source = Raster.Open(before);
        using var map = Raster.Open(outputs.ChangeMap);
        var (grid, full) = (map.GeoTransform!.Value, source.GeoTransform!.Value);
        Assert.Equal(32633, map.SpatialReference!.Epsg);
        Assert.Equal(full.PixelWidth, grid.PixelWidth, 9);
        double columns = (grid.OriginX - full.OriginX) / full.PixelWidth, rows = (grid.OriginY - full.OriginY) / full.PixelHeight;
        Assert.Equal(Math.Round(columns), columns, 6);   // whole before pixels
        Assert.InRange(columns, 50, 60);                 // the after image starts 60 m east (its reprojected outline a little before)
        Assert.Equal(Math.Round(rows), rows, 6);
        Assert.InRange(rows, 10, 20);                    // and 20 m south
        Assert.Equal((320 - columns, 256 - rows), (map.Width, map.Height));

        // the polygon of the added roof overlaps its true footprint (IoU >= 0.5), in the before image's CRS
        var polygons = ChangeMaps.ReadPolygons(outputs.Polygons[0]);
        var truth = new GeometryFactory().ToGeometry(new Envelope(Added.MinX, Added.MaxX, Added.MinY, Added.MaxY));
        var best = polygons.MaxBy(p => p.Geometry.Intersection(truth).Area)!;
        double iou = best.Geometry.Intersection(truth).Area / best.Geometry.Union(truth).Area;
        Assert.True(iou >= 0.5, $"IoU {iou:F2} of the found region with the added roof");
        Assert.Equal(best.Geometry.Area, double.Parse(best.Attributes["area"], System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Equal("changed", best.Attributes["class_name"]);

        // the summary agrees with the map and the polygons
        var summary = ChangeSummary.Read(outputs.Summary);
        Assert.Equal(outputs.Statistics, summary with { GeoTransform = outputs.Statistics.GeoTransform, PixelSize = outputs.Statistics.PixelSize, RegionAreas = outputs.Statistics.RegionAreas });
        Assert.Equal(polygons.Count, summary.Regions);
        Assert.Equal(summary.ChangedArea, summary.RegionAreas.Sum(), 3);
        Assert.InRange(summary.ChangedArea, 0.7 * 1200, 1.3 * 1200);   // the 40 x 30 m roof, and little else
        Assert.Equal([1.0, 1.0], summary.PixelSize);
        Assert.Equal(32633, summary.Epsg);

        // every format asked for is there, the probability is a float probability, and nothing half-written is left
        using var probability = Raster.Open(outputs.Probabilities!);
        Assert.Equal(RasterDataType.Float32, probability.Band(1).DataType);
        Assert.Equal(["2019_2021_change.geojson", "2019_2021_change.gpkg"], outputs.Polygons.Select(Path.GetFileName));
        Assert.True(File.Exists(outputs.Preview));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "out"), ".*"));
        Assert.Equal(outputs.Tiles, progress[^1].Done);
        Assert.Equal(progress[^1].Total, progress[^1].Done);
    }

    [Fact]
    public void Nodata_in_either_date_is_nodata_in_every_output()
    {
        // before: 40 nodata columns on the left; after: nodata rows at its bottom; the after image covers all of the before one
        var (before, after) = Dates(new SyntheticDatePair(256, 256, AfterShiftX: 0, AfterShiftY: 0, Added: [Added],
            BeforeNodataColumns: 40, AfterNodataRows: 40));
        var outputs = Predictor().PredictAll(ChangeMapPairs.Single(before, after), Path.Combine(dir, "out")).Single();

        using var map = Raster.Open(outputs.ChangeMap);
        using var probability = Raster.Open(outputs.Probabilities!);
        using var aligned = AlignedPair.Create(before, after);
        using var first = aligned.OpenBefore();
        using var second = aligned.OpenAfter();
        var full = PixelWindow.Full(map.Width, map.Height);
        var (validBefore, validAfter) = (new byte[full.Area], new byte[full.Area]);
        first.ReadValidMask(full, [1, 2, 3], validBefore);
        second.ReadValidMask(full, [1, 2, 3], validAfter);
        var ids = map.Read<byte>(full, [1]);
        var p = probability.Read<float>(full, [1]);
        long nodata = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            bool valid = validBefore[i] != 0 && validAfter[i] != 0;
            Assert.True(valid ? ids[i] <= 1 && p[i] is >= 0 and <= 1 : ids[i] == 255 && float.IsNaN(p[i]), $"pixel {i % map.Width}, {i / map.Width}: {ids[i]}, {p[i]}");
            nodata += valid ? 0 : 1;
        }
        Assert.InRange(nodata, 40 * 256, 40 * 256 + 45 * 256);   // both strips, and nothing else
        // the nodata strips are no change: no polygon reaches into them
        var polygons = ChangeMaps.ReadPolygons(outputs.Polygons[0]);
        var nodataStrip = new GeometryFactory().ToGeometry(new Envelope(400_000, 400_040, 5_799_744, 5_800_000));
        Assert.All(polygons, q => Assert.True(q.Geometry.Intersection(nodataStrip).Area < 1, "a polygon in the nodata columns"));
        Assert.Equal(256L * 256 - nodata, outputs.Statistics.ValidPixels);
    }

    [Fact]
    public void Dates_that_do_not_overlap_are_one_error_naming_both_files_and_write_nothing()
    {
        var (before, after) = Dates(new SyntheticDatePair(64, 64, AfterShiftX: 5000));
        var output = Path.Combine(dir, "out");
        var e = Assert.Throws<RasterInputException>(() => Predictor().PredictAll(ChangeMapPairs.Single(before, after), output));
        Assert.IsAssignableFrom<InputException>(e);
        Assert.Contains(before, e.Message);
        Assert.Contains(after, e.Message);
        Assert.Contains("do not overlap", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
    }

    [Fact]
    public void A_model_failing_part_way_leaves_no_output_at_the_final_paths()
    {
        var (before, after) = Dates();
        int calls = 0;
        Tensor Failing(Tensor b, Tensor a) => ++calls < 3 ? ChangeMaps.Differencing(b, a) : throw new InvalidOperationException("model broke");
        var output = Path.Combine(dir, "out");
        var e = Assert.Throws<InvalidOperationException>(() => Predictor(model: Failing).PredictAll(ChangeMapPairs.Single(before, after), output));
        Assert.Equal("model broke", e.Message);
        Assert.Empty(Directory.GetFiles(output));
    }

    [Fact]
    public void A_pair_list_runs_every_pair_with_one_progress_over_all_of_them()
    {
        var (before, after) = Dates(new SyntheticDatePair(200, 160, AfterShiftX: 20, Added: [Added]));
        Directory.CreateDirectory(Path.Combine(dir, "site b"));
        var (before2, after2) = (Path.Combine(dir, "site b", "2019.tif"), Path.Combine(dir, "site b", "2021.tif"));
        new SyntheticDatePair(160, 200, AfterShiftY: 20).Write(before2, after2);
        var list = Path.Combine(dir, "pairs.txt");
        File.WriteAllLines(list, ["# before after", "2019.tif 2021.tif", "", "\"site b/2019.tif\" \"site b/2021.tif\""]);

        var pairs = ChangeMapPairs.ReadList(list);
        Assert.Equal([(before, after), (before2, after2)], pairs.Select(p => (p.Before, p.After)));
        Assert.Equal(["2019_2021_1", "2019_2021_2"], pairs.Select(p => p.OutputStem));   // same names: numbered, never overwritten
        var progress = new List<InferenceProgress>();
        var outputs = Predictor("[cog, geojson]").PredictAll(pairs, Path.Combine(dir, "out"), progress.Add);

        Assert.Equal(2, outputs.Count);
        Assert.All(outputs, o => Assert.True(File.Exists(o.ChangeMap) && File.Exists(o.Summary) && o.Polygons.All(File.Exists)));
        Assert.Equal(1, outputs[0].Statistics.Regions);   // the roof in the first pair
        Assert.Equal(0, outputs[1].Statistics.Regions);   // nothing changed in the second
        int total = outputs.Sum(o => o.Tiles);
        Assert.All(progress, p => Assert.Equal(total, p.Total));
        Assert.Equal(progress.Select(p => p.Done).Order(), progress.Select(p => p.Done));
        Assert.Equal(total, progress[^1].Done);
    }

    [Fact]
    public void A_pair_list_line_without_two_paths_is_named_by_line()
    {
        var list = Path.Combine(dir, "pairs.txt");
        File.WriteAllLines(list, ["# comment", "only-one.tif"]);
        var e = Assert.Throws<GeoDense.Tasks.Pipelines.PipelineInputException>(() => ChangeMapPairs.ReadList(list));
        Assert.StartsWith($"{list}:2: expected two paths", e.Message);
    }
}
