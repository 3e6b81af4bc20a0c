using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Tests.Detection;

public class DotaSplitPolicyTests
{
    static readonly DotaSplitPolicy Policy = DotaSplitPolicy.BboxToolkit;

    static GridWindow Window(int x, int y, int size, double scale = 1.0) =>
        new(0, new PixelWindow(x, y, size, size), (int)Math.Round(size * scale), (int)Math.Round(size * scale), scale, (int)(x * scale), (int)(y * scale));

    [Fact]
    public void An_object_is_kept_from_seven_tenths_of_its_area_inside_with_its_whole_polygon()
    {
        var window = Window(100, 100, 100);
        // 10 wide; 7 columns inside (x 193..200): exactly 0.7 stays, 6.9 inside goes
        var seventy = new DotaObject(new Quad(193, 120, 203, 120, 203, 130, 193, 130), "ship", false);
        var less = new DotaObject(new Quad(193.1, 140, 203.1, 140, 203.1, 150, 193.1, 150), "ship", true);
        var kept = Policy.ObjectsIn(window, [seventy, less]);
        var only = Assert.Single(kept);
        Assert.Equal(new Quad(93, 20, 103, 20, 103, 30, 93, 30), only.Polygon);   // unclipped: reaches past the edge at 100
        Assert.Equal(0.7, DotaSplitPolicy.InsideFraction(seventy.Polygon, window.Source), 12);
    }

    [Fact]
    public void Rotated_objects_use_their_polygon_area_not_their_box()
    {
        // a diamond centred on the window's corner: a quarter of it is inside
        var diamond = new Quad(0, -10, 10, 0, 0, 10, -10, 0);
        Assert.Equal(0.25, DotaSplitPolicy.InsideFraction(diamond, new PixelWindow(0, 0, 50, 50)), 12);
        Assert.Equal(1.0, DotaSplitPolicy.InsideFraction(diamond, new PixelWindow(-20, -20, 50, 50)), 12);
    }

    [Fact]
    public void Rescaled_windows_scale_their_objects()
    {
        var window = Window(200, 0, 200, scale: 0.5);   // 200 source pixels read as 100
        var o = new DotaObject(new Quad(220, 10, 260, 10, 260, 30, 220, 30), "plane", false);
        Assert.Equal(new Quad(10, 5, 30, 5, 30, 15, 10, 15), Assert.Single(Policy.ObjectsIn(window, [o])).Polygon);
    }

    [Fact]
    public void Windows_mostly_outside_the_image_are_skipped_unless_none_is_mostly_inside()
    {
        // 1500 x 500 with 1024 windows: every window is 49% image, so all of them stay (the best fraction)
        var wide = WindowGrid.Create(1500, 500, GridOptions.Dota);
        Assert.Equal(wide.Count, Policy.KeepWindows(wide, 1500, 500).Count);
        // a padded window 61% inside stays, one 59% inside goes when another is fully inside
        GridWindow[] mixed = [Window(0, 0, 100), Window(61 - 100, 0, 100), Window(59 - 100, 0, 100)];
        var kept = Policy.KeepWindows(mixed, 1000, 1000);
        Assert.Equal([0, -39], kept.Select(w => w.Source.X));
        Assert.Equal([0, 1], kept.Select(w => w.Index));
    }
}
