using System.Diagnostics;
using GeoDense.Geo;

namespace GeoDense.Cli.Tests;

/// <summary>
/// Rasters written by GDAL's own tools, not by GeoDense, in the shapes people bring: JPEG/YCbCr tiles, a geographic CRS
/// with an alpha band, Erdas Imagine, 16-bit with a nodata value, a VRT mosaic with a hole, a PNG with a world file,
/// a rotated geotransform. One `segment` batch over all of them: every class map has the input's size, geotransform,
/// CRS and exactly its masked area.
/// </summary>
public class RealWorldRasterTests(SegmentationFiles files) : IClassFixture<SegmentationFiles>
{
    static void Gdal(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(" ", args)}: {err.Result}");
    }

    [Fact]
    public void One_batch_over_gdal_made_rasters_keeps_size_georeference_and_mask()
    {
        var dir = Directory.CreateTempSubdirectory("geodense-realworld-").FullName;
        try
        {
            string P(string name) => Path.Combine(dir, name);
            SyntheticScene.Write(P("base.tif"), new SyntheticSceneOptions(600, 400, 3, NoData: 0, NoDataBorder: 24));
            Gdal("gdal_translate", "-q", "-co", "COMPRESS=JPEG", "-co", "PHOTOMETRIC=YCBCR", "-co", "TILED=YES", "-a_nodata", "none", P("base.tif"), P("jpeg_ycbcr.tif"));
            Gdal("gdalwarp", "-q", "-t_srs", "EPSG:4326", "-dstalpha", P("base.tif"), P("geographic_alpha.tif"));
            Gdal("gdal_translate", "-q", "-of", "HFA", P("base.tif"), P("erdas.img"));
            Gdal("gdal_translate", "-q", "-ot", "UInt16", "-scale", "0", "255", "0", "4095", "-a_nodata", "0", P("base.tif"), P("uint16.tif"));
            Gdal("gdal_translate", "-q", "-srcwin", "0", "0", "300", "200", P("base.tif"), P("a.tif"));
            Gdal("gdal_translate", "-q", "-srcwin", "320", "220", "280", "180", P("base.tif"), P("b.tif"));
            Gdal("gdalbuildvrt", "-q", "-srcnodata", "0", "-vrtnodata", "0", P("mosaic.vrt"), P("a.tif"), P("b.tif"));
            Gdal("gdal_translate", "-q", "-of", "PNG", "-co", "WORLDFILE=YES", "-srcwin", "100", "100", "200", "150", P("base.tif"), P("plain.png"));
            Gdal("gdal_translate", "-q", "-of", "VRT", "-srcwin", "0", "0", "300", "200", P("base.tif"), P("rotated.vrt"));
            File.WriteAllText(P("rotated.vrt"), System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(P("rotated.vrt")),
                "<GeoTransform>.*</GeoTransform>", "<GeoTransform> 400000, 0.45, 0.1, 5800000, 0.1, -0.45</GeoTransform>"));
            string[] inputs = ["jpeg_ycbcr.tif", "geographic_alpha.tif", "erdas.img", "uint16.tif", "mosaic.vrt", "plain.png", "rotated.vrt"];

            var output = P("out");
            var (code, _, err) = GeodenseProcess.Run(["segment", "--pipeline", files.Pipeline, "--weights", files.Weights,
                "--output", output, "--threads", "2", "--input", .. inputs.Select(P)]);
            Assert.True(code == 0, err);

            foreach (var input in inputs)
            {
                using var source = Raster.Open(P(input));
                using var classes = Raster.Open(Path.Combine(output, Path.GetFileNameWithoutExtension(input) + "_classes.tif"));
                Assert.Equal((source.Width, source.Height), (classes.Width, classes.Height));
                Assert.Equal(source.GeoTransform, classes.GeoTransform);
                Assert.True(source.SpatialReference!.IsSameAs(classes.SpatialReference!), input);
                var full = PixelWindow.Full(source.Width, source.Height);
                var valid = new byte[full.Area];
                source.ReadValidMask(full, [1, 2, 3], valid);
                var ids = classes.Read<byte>(full, [1]);
                int masked = 0, wrong = 0;
                for (int i = 0; i < ids.Length; i++)
                {
                    if (valid[i] == 0) masked++;
                    if ((valid[i] == 0) != (ids[i] == 255)) wrong++;
                }
                Assert.True(wrong == 0, $"{input}: {wrong} pixels where the class map's nodata differs from the input's mask ({masked} masked)");
            }
            // the scenes that have masked pixels really exercised the mask
            using (var alpha = Raster.Open(P("geographic_alpha.tif"))) Assert.False(alpha.AllValid([1, 2, 3]));
        }
        finally { Directory.Delete(dir, true); }
    }
}
