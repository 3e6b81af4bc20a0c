using GeoDense.Geo;
using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Demo;

/// <summary>
/// Training scenes for the demo's detector in DOTA's layout (`images/NAME.tif`, `labelTxt/NAME.txt`): demo areas of
/// other seeds than the scored one, a strip of town (its cars labelled as small vehicles) above the field of objects.
/// They teach what open-ground scenes alone do not: cars of every colour are vehicles, while roofs, roads and trees
/// are none (trained without them, the detector boxed the town's cars as ships and planes, and red roofs as vehicles).
/// </summary>
public static class DemoObjectScenes
{
    public static void WriteDota(string root, IEnumerable<int> seeds, int width, int townRows, int fieldRows)
    {
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "labelTxt"));
        foreach (var seed in seeds)
        {
            var area = new DemoArea(width, townRows, fieldRows, seed);
            var images = area.Render();
            var name = $"area{seed}";
            using (var writer = RasterWriter.Create(Path.Combine(root, "images", name + ".tif"), new RasterSpec(width, area.Height, 3, RasterDataType.Byte)))
            {
                writer.Write<byte>(PixelWindow.Full(width, area.Height), [1, 2, 3], images.Date1);
                writer.Commit();
            }
            IO.AtomicFile.WriteAllText(Path.Combine(root, "labelTxt", name + ".txt"), DotaLabelFile.Format(new DotaLabels(null, null, images.Objects)));
        }
    }
}
