using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class PotsdamTilesTests
{
    [Fact]
    public void Finds_tiles_in_the_distributed_layout_and_picks_the_label_variant()
    {
        var root = Directory.CreateTempSubdirectory("potsdam").FullName;
        try
        {
            foreach (var (dir, name) in new[] {
                ("2_Ortho_RGB", "top_potsdam_2_10_RGB.tif"), ("2_Ortho_RGB", "top_potsdam_2_13_RGB.tif"),
                ("5_Labels_all", "top_potsdam_2_10_label.tif"), ("5_Labels_all", "top_potsdam_2_13_label.tif"),
                ("5_Labels_all_noBoundary", "top_potsdam_2_10_label_noBoundary.tif") })
            {
                Directory.CreateDirectory(Path.Combine(root, dir));
                File.WriteAllBytes(Path.Combine(root, dir, name), [0]);
            }
            var all = PotsdamTiles.Find(root, noBoundary: false);
            Assert.Equal(["2_10", "2_13"], all.Select(t => t.Id));
            Assert.EndsWith("top_potsdam_2_13_label.tif", all[1].Label);
            var val = PotsdamTiles.Find(root, noBoundary: true, ids: ["2_10"]);
            Assert.EndsWith("top_potsdam_2_10_label_noBoundary.tif", Assert.Single(val).Label);
            var e = Assert.Throws<SegmentationInputException>(() => PotsdamTiles.Find(root, noBoundary: true));
            Assert.Contains("top_potsdam_2_13_label_noBoundary.tif", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }
}
