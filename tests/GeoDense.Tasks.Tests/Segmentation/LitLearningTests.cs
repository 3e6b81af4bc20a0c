using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using Xunit.Abstractions;

namespace GeoDense.Tasks.Tests.Segmentation;

/// <summary>
/// The segmentation task knows no backbone: the same pipeline as <see cref="LearningTests"/> with
/// `model.backbone: lit-nano` (LIT's code paths at test size: MLP stages, deformable token merging, attention with
/// resized relative position bias) learns the synthetic town to mIoU >= 0.7, scored by the sliding-window
/// evaluator on weights reloaded from the trainer's output file.
/// </summary>
[Collection(SerialCollection.Name)]
public class LitLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Lit_nano_upernet_learns_the_synthetic_town()
    {
        var root = Directory.CreateTempSubdirectory("seg-learn-lit").FullName;
        try
        {
            SyntheticPotsdam.WriteTile(Path.Combine(root, "data"), "1_1", 512, 512, seed: 11);
            SyntheticPotsdam.WriteTile(Path.Combine(root, "data"), "1_2", 512, 512, seed: 12);
            SyntheticPotsdam.WriteTile(Path.Combine(root, "data"), "9_9", 400, 400, seed: 99);
            var yaml = LearningTests.Yaml(Path.Combine(root, "data"), Path.Combine(root, "run"), iterations: 200)
                .Replace("backbone: lemevit-nano", "backbone: lit-nano");
            var pipeline = PipelineFile.Parse<SegmentationPipeline>(yaml);
            Assert.Equal("lit-nano", pipeline.Model.Backbone);
            var result = new SegmentationTrainer(pipeline, pipeline.Train!.WorkDir, Device.Cpu).Run(resume: false);

            var metrics = SegmentationEvaluator.EvaluateWeights(pipeline, "learning.yaml", result.Weights, Path.Combine(root, "data"), Device.Cpu);
            output.WriteLine(metrics.ToTable());
            Assert.True(metrics.MeanIoU >= 0.7, metrics.ToTable());
            Assert.Equal(metrics.MeanIoU, result.Validation!.MeanIoU, 6);
        }
        finally { Directory.Delete(root, true); }
    }
}
