namespace GeoDense.Geo.Tests;

public class PreviewTests
{
    [Fact]
    public void RgbStretchClassMapAndChangeOverlayAreReadablePngs()
    {
        using var dir = new TempDir();
        var scene = dir.File("scene.tif");
        SyntheticScene.Write(scene, new SyntheticSceneOptions(2000, 1000, Bands: 4, DataType: RasterDataType.UInt16, NoData: 0, NoDataBorder: 100));
        using var raster = Raster.Open(scene);

        var rgbPath = dir.File("rgb.png");
        PngPreview.WriteRgb(raster, rgbPath, [3, 2, 1], maxSize: 500);
        using (var png = Raster.Open(rgbPath))
        {
            Assert.Equal(("PNG", 500, 250, 3), (png.DriverName, png.Width, png.Height, png.BandCount));
            var pixels = png.Read<byte>(PixelWindow.Full(500, 250), [1, 2, 3]);
            Assert.Equal(0, pixels[0]);
            Assert.True(pixels.Max() == 255 && pixels.Skip(30).Take(100).Distinct().Count() > 5, "a stretched image uses the full range");
        }

        var classes = dir.File("classes.tif");
        using (var writer = RasterWriter.Create(classes, RasterSpec.Like(raster, 1, RasterDataType.Byte, 255)))
        {
            var ids = new byte[2000 * 1000];
            for (int p = 0; p < ids.Length; p++) ids[p] = (byte)(p % 2000 / 400);
            writer.Write<byte>(PixelWindow.Full(2000, 1000), [1], ids);
            writer.Commit();
        }
        using var classRaster = Raster.Open(classes);
        var classPng = dir.File("classes.png");
        PngPreview.WriteClassMap(classRaster, classPng, maxSize: 400);
        using (var png = Raster.Open(classPng))
        {
            Assert.Equal((400, 200 + 16, 1), (png.Width, png.Height, png.BandCount));
            Assert.Equal("Palette", png.Band(1).ColorInterpretation);
            var ids = png.Read<byte>(PixelWindow.Full(400, 216), [1]);
            Assert.Equal(0, ids[0]);
            Assert.Equal(4, ids[399]);
            Assert.Equal(4, ids[215 * 400 + 399]);
        }

        var overlay = dir.File("change.png");
        PngPreview.WriteChangeOverlay(raster, classRaster, overlay, maxSize: 400);
        using (var png = Raster.Open(overlay))
        {
            var rgb = png.Read<byte>(PixelWindow.Full(400, 200), [1, 2, 3]);
            int p = 100 * 400 + 300;  // class 3 there: tinted red
            Assert.True(rgb[p] >= 128 && rgb[80000 + p] < 128 && rgb[160000 + p] < 128);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.aux.xml"));
    }
}
