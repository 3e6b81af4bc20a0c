using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Tests;

public class PipelineFileTests
{
    const string Yaml = """
        task: segmentation
        model:
          backbone: lemevit-small
          head: upernet
          classes: [impervious_surface, building, low_vegetation, tree, car, clutter]
          ignore_index: 5
        input:  { bands: [1, 2, 3], mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }
        tiling: { size: 512, stride: 384, scales: [1.0], blend: cosine }
        output: { formats: [cog, geojson, png] }
        train:
          data: { format: potsdam, root: data/potsdam }
          iterations: 80000
          batch_size: 8
          optimizer: { type: adamw, lr: 0.0004, weight_decay: 0.05 }
          schedule: { type: poly, warmup_iters: 1500, power: 1.0 }
        device: auto
        """;

    [Fact]
    public void Spec_example_parses_into_typed_records()
    {
        var c = PipelineFile.Parse(Yaml);
        Assert.Equal("segmentation", c.Task);
        Assert.Equal(6, c.Model.Classes.Count);
        Assert.Equal(5, c.Model.ScoredClassCount());
        Assert.Equal(384, c.Tiling.Stride);
        Assert.Equal(0.0004, c.Train!.Optimizer.Lr);
        Assert.Equal(1500, c.Train.Schedule.WarmupIters);
        Assert.Equal("potsdam", c.Train.Data.Format);
        Assert.Equal(58.395f, c.Input.Std[0]);
    }

    [Fact]
    public void Unknown_key_is_reported_with_its_line()
    {
        var e = Assert.Throws<PipelineInputException>(() => PipelineFile.Parse("task: segmentation\nmodle: {}\n", "p.yaml"));
        Assert.StartsWith("p.yaml:2:", e.Message);
    }

    [Fact]
    public void Inconsistent_normalisation_is_rejected()
    {
        var e = Assert.Throws<PipelineInputException>(() => PipelineFile.Parse(Yaml.Replace("std: [58.395, 57.12, 57.375]", "std: [1]"), "p.yaml"));
        Assert.Contains("input.std", e.Message);
    }

    [Fact]
    public void Serialised_config_reads_back_the_same()
    {
        var c = PipelineFile.Parse(Yaml);
        var back = PipelineFile.Parse(PipelineFile.Serialize(c));
        Assert.Equal(c.Model.Classes, back.Model.Classes);
        Assert.Equal(c.Train!.Schedule.Power, back.Train!.Schedule.Power);
    }
}
