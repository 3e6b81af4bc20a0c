using System.Text.Json;
using GeoDense.Tasks.Segmentation;
using GeoDense.Tasks.Training;

namespace GeoDense.Tasks.Tests.Training;

public class MetricsJsonTests
{
    [Fact]
    public void Segmentation_metrics_are_written_with_short_snake_case_keys_and_nan_for_undefined_scores()
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.json");
        try
        {
            var metrics = new SegmentationMetrics(0.9, 0.8, 0.85, [new ClassMetrics("car", 0.7, double.NaN, 0.6, 0.5, 42)], 100);
            MetricsJson.Write(path, metrics);
            using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions());
            var root = json.RootElement;
            Assert.Equal(0.8, root.GetProperty("miou").GetDouble());
            Assert.Equal(0.9, root.GetProperty("oa").GetDouble());
            var car = root.GetProperty("classes")[0];
            Assert.Equal("car", car.GetProperty("name").GetString());
            Assert.Equal(0.7, car.GetProperty("iou").GetDouble());
            Assert.Equal("NaN", car.GetProperty("f1").GetString());
            Assert.Equal(metrics.MeanIoU, JsonSerializer.Deserialize<SegmentationMetrics>(File.ReadAllText(path), MetricsJson.Options)!.MeanIoU);
        }
        finally { File.Delete(path); }
    }
}
