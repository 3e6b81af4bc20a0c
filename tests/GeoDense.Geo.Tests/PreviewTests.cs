using SkiaSharp;

namespace GeoDense.Geo.Tests;

public class PreviewTests
{
    // Classes are vertical stripes 400 source pixels wide (80 preview pixels at maxSize 400); the top 100 rows are nodata.
    static readonly string[] Names = ["road", "building", "low_vegetation", "tree", "car"];
    static readonly Rgb[] Palette = [new(230, 25, 75), new(60, 180, 75), new(255, 225, 25), new(0, 130, 200), new(245, 130, 48)];

    [Fact]
    public void Rgb_preview_is_stretched_to_the_full_range_with_nodata_black()
    {
        using var dir = new TempDir();
        using var raster = Scene(dir);
        var path = dir.File("rgb.png");
        PngPreview.WriteRgb(raster, path, [3, 2, 1], maxSize: 500);

        using var png = Pictures.Decode(path);
        Assert.Equal((500, 250), (png.Width, png.Height));
        Assert.Equal(SKColors.Black, png.GetPixel(0, 0));  // the nodata border
        var row = Enumerable.Range(30, 100).Select(x => png.GetPixel(x, 125)).ToList();
        Assert.True(row.Distinct().Count() > 5, "a stretched image varies");
        Assert.Contains(Enumerable.Range(0, 500).SelectMany(x => new[] { png.GetPixel(x, 125), png.GetPixel(x, 60) }), c => c.Red == 255 || c.Green == 255 || c.Blue == 255);
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));  // no temporary left behind
    }

    [Fact]
    public void Class_map_has_the_palette_colours_and_a_legend_naming_each_class()
    {
        using var dir = new TempDir();
        using var classes = ClassRaster(dir);
        var path = dir.File("classes.png");
        PngPreview.WriteClassMap(classes, path, Names, Palette, maxSize: 400);

        using var png = Pictures.Decode(path);
        Assert.True(png.Width > 400 && png.Height >= 200, $"{png.Width}x{png.Height}: the 400x200 map and a legend beside it");
        for (int c = 0; c < Names.Length; c++)
            Assert.True(Pictures.Is(png.GetPixel(80 * c + 40, 150), Palette[c]), $"class {c} at column {80 * c + 40}: {png.GetPixel(80 * c + 40, 150)}");
        Assert.True(Pictures.Is(png.GetPixel(200, 5), Palettes.NoData), "class id 255 is painted the nodata grey");

        var rows = new List<(int Row, int TextRight)>();
        foreach (var colour in Palette.Append(Palettes.NoData))
        {
            var swatch = Pictures.Find(png, colour, 400, png.Width);
            Assert.True(swatch.Count >= 100, $"a legend swatch of {colour} ({swatch.Count} pixels)");
            var text = Pictures.InkRightOf(png, swatch.MiddleRow, swatch.Right + 3);
            Assert.True(text.InkPixels >= 20, $"text beside the {colour} swatch ({text.InkPixels} ink pixels)");
            rows.Add((swatch.MiddleRow, text.Rightmost));
        }
        Assert.Equal(rows.Count, rows.Select(r => r.Row).Distinct().Count());
        // The label's width follows the name: "low_vegetation" reaches further right than "car".
        Assert.True(rows[2].TextRight > rows[4].TextRight + 30, $"low_vegetation ends at {rows[2].TextRight}, car at {rows[4].TextRight}");
    }

    [Fact]
    public void Class_map_without_names_labels_classes_by_number_and_without_legend_is_the_bare_map()
    {
        using var dir = new TempDir();
        using var classes = ClassRaster(dir);
        PngPreview.WriteClassMap(classes, dir.File("numbered.png"), maxSize: 400);
        using (var png = Pictures.Decode(dir.File("numbered.png")))
        {
            Assert.True(png.Width > 400);
            Assert.True(Pictures.Is(png.GetPixel(120, 150), Palettes.Default(5)[1]));
        }
        PngPreview.WriteClassMap(classes, dir.File("bare.png"), Names, legend: false, maxSize: 400);
        using (var png = Pictures.Decode(dir.File("bare.png"))) Assert.Equal((400, 200), (png.Width, png.Height));
    }

    [Fact]
    public void Change_overlay_outlines_changed_regions_keeps_their_inside_greys_nodata_and_says_so_in_the_legend()
    {
        using var dir = new TempDir();
        using var raster = Scene(dir);
        using var change = ClassRaster(dir);   // non-zero ids mark change: preview columns 80..399, rows 20..199
        var path = dir.File("change.png");
        PngPreview.WriteChangeOverlay(raster, change, path, maxSize: 400);
        PngPreview.WriteRgb(raster, dir.File("plain.png"), maxSize: 400);

        using var png = Pictures.Decode(path);
        using var plain = Pictures.Decode(dir.File("plain.png"));
        Assert.True(png.Width > 400 && png.Height >= 200);
        Assert.True(Pictures.Is(png.GetPixel(80, 150), PngPreview.ChangeTint), "the region's left edge is outlined");
        Assert.True(Pictures.Is(png.GetPixel(300, 20), PngPreview.ChangeTint), "its top edge, under the nodata rows, too");
        Assert.Equal(plain.GetPixel(300, 150), png.GetPixel(300, 150));   // inside: the image as it is
        Assert.Equal(plain.GetPixel(40, 150), png.GetPixel(40, 150));     // unchanged: the image as it is
        Assert.True(Pictures.Is(png.GetPixel(200, 5), Palettes.NoData), "nodata of the change map is grey");
        foreach (var colour in new[] { PngPreview.ChangeTint, Palettes.NoData })
        {
            var swatch = Pictures.Find(png, colour, 400, png.Width);
            Assert.True(swatch.Count >= 100, $"a {colour} swatch in the legend");
            Assert.True(Pictures.InkRightOf(png, swatch.MiddleRow, swatch.Right + 3).InkPixels >= 20, $"a label beside the {colour} swatch");
        }
    }

    [Fact]
    public void Png_file_round_trips_pixels_and_writes_to_gdal_memory_files()
    {
        int w = 7, h = 5, plane = w * h;
        var rgb = new byte[3 * plane];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 37 % 256);
        var path = $"/vsimem/pngfile-{Guid.NewGuid():N}.png";
        PngFile.WriteRgb(path, rgb, w, h);
        try
        {
            using var png = Raster.Open(path);   // GDAL reads what SkiaSharp wrote
            Assert.Equal(rgb, png.Read<byte>(PixelWindow.Full(w, h), [1, 2, 3]));
        }
        finally { Vsi.Delete(path); }
    }

    static Raster Scene(TempDir dir)
    {
        var scene = dir.File("scene.tif");
        SyntheticScene.Write(scene, new SyntheticSceneOptions(2000, 1000, Bands: 4, DataType: RasterDataType.UInt16, NoData: 0, NoDataBorder: 100));
        return Raster.Open(scene);
    }

    static Raster ClassRaster(TempDir dir)
    {
        var path = dir.File("classes.tif");
        using (var writer = RasterWriter.Create(path, new RasterSpec(2000, 1000, 1, RasterDataType.Byte, NoData: 255)))
        {
            var ids = new byte[2000 * 1000];
            for (int p = 0; p < ids.Length; p++) ids[p] = p < 100 * 2000 ? (byte)255 : (byte)(p % 2000 / 400);
            writer.Write<byte>(PixelWindow.Full(2000, 1000), [1], ids);
            writer.Commit();
        }
        return Raster.Open(path);
    }
}
