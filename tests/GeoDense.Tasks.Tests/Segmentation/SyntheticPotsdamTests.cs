using GeoDense.Geo;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;

namespace GeoDense.Tasks.Tests.Segmentation;

public class SyntheticPotsdamTests
{
    [Fact]
    public void Written_tile_reads_back_as_potsdam_with_labels_matching_the_scene()
    {
        var root = Directory.CreateTempSubdirectory("potsdam-synth").FullName;
        try
        {
            SyntheticPotsdam.WriteTile(root, "2_10", 300, 280, seed: 5);
            var rasters = SegmentationData.Find(new DataSection { Format = "potsdam", Root = root });
            var full = SegmentationData.Find(new DataSection { Format = "potsdam", Root = root, NoBoundary = false });
            Assert.Single(rasters);
            using (var tif = Raster.Open(rasters[0].Image))
            {
                Assert.Equal((300, 280, 3), (tif.Width, tif.Height, tif.BandCount));
                Assert.True(tif.IsGeoreferenced);
            }
            var (r, g, b, classes) = SyntheticTown.Generate(300, 280, 5).RenderAll();
            using var reader = new LabelledWindowReader(full, [1, 2, 3], ignoreIndex: 5, scoredClasses: 5);
            var window = new PixelWindow(40, 30, 200, 240);
            var sample = reader.Read(0, window);
            for (int y = 0; y < window.Height; y++)
                for (int x = 0; x < window.Width; x++)
                {
                    int i = (window.Y + y) * 300 + window.X + x, j = y * window.Width + x;
                    Assert.Equal(classes[i] >= 5 ? 5 : classes[i], sample.Labels[j]);
                    Assert.Equal(g[i], sample.Image[window.Width * window.Height + j]);
                }
            // the eroded labels ignore a band around every class edge, and only there
            using var eroded = new LabelledWindowReader(
                SegmentationData.Find(new DataSection { Format = "potsdam", Root = root, NoBoundary = true }), [1, 2, 3], 5, 5);
            var labels = eroded.ReadLabels(0, window);
            int ignored = labels.Count(l => l == 5), clutter = sample.Labels.Count(l => l == 5);
            Assert.True(ignored > clutter + 1000, $"{ignored} ignored vs {clutter} clutter");
            for (int j = 0; j < labels.Length; j++) if (labels[j] != 5) Assert.Equal(sample.Labels[j], labels[j]);
        }
        finally { Directory.Delete(root, true); }
    }
}
