using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Tests.Pipelines;

/// <summary>Numbers outside their range are refused, one line per problem, naming the key, its place and the range.</summary>
public class PipelineRangeTests
{
    static string Message(string yaml) => Assert.Throws<PipelineInputException>(() => PipelineFile.Parse(yaml, "p.yaml")).Message;

    [Theory]
    [InlineData("lr: 0.0004", "lr: 0", "lr", "train.optimizer.lr must be > 0 (got 0)")]
    [InlineData("weight_decay: 0.05", "weight_decay: -0.1", "weight_decay", "train.optimizer.weight_decay must be >= 0 (got -0.1)")]
    [InlineData("stride: 384", "stride: 600", "stride", "tiling.stride must be in [1, size = 512] (got 600)")]
    [InlineData("size: 512", "size: 0", "size", "tiling.size must be > 0 (got 0)")]
    [InlineData("scales: [1.0]", "scales: [1.0, -0.5]", "scales", "tiling.scales must be > 0 (got -0.5)")]
    [InlineData("warmup_iters: 1500", "warmup_iters: 80000", "warmup_iters", "train.schedule.warmup_iters must be in [0, iterations = 80000) (got 80000)")]
    [InlineData("iterations: 80000", "iterations: 0", "iterations", "train.iterations must be > 0 (got 0)")]
    [InlineData("batch_size: 8", "batch_size: -2", "batch_size", "train.batch_size must be > 0 (got -2)")]
    [InlineData("ignore_index: 5", "ignore_index: 300", "ignore_index", "model.ignore_index must be in [5, 255]: the last class (then not predicted) or a value past the classes (got 300)")]
    [InlineData("ignore_index: 5", "ignore_index: 2", "ignore_index", "model.ignore_index must be in [5, 255]: the last class (then not predicted) or a value past the classes (got 2)")]
    [InlineData("bands: [1, 2, 3]", "bands: [1, 1, 3]", "bands", "input.bands must not repeat a value (repeated: 1)")]
    [InlineData("bands: [1, 2, 3]", "bands: [0, 2, 3]", "bands", "input.bands are 1-based band numbers (got 0)")]
    [InlineData("std: [58.395, 57.12, 57.375]", "std: [58.395, 0, 57.375]", "std", "input.std must be > 0 (got 0)")]
    [InlineData("std: [58.395, 57.12, 57.375]", "std: [1]", "std", "input.std needs one value per band (3 bands, 1 values)")]
    [InlineData("classes: [impervious_surface, building, low_vegetation, tree, car, clutter]", "classes: [car, car]", "classes", "model.classes must not repeat a value (repeated: car)")]
    [InlineData("classes: [impervious_surface, building, low_vegetation, tree, car, clutter]", "classes: []", "classes", "model.classes must not be empty")]
    public void Value_out_of_range_is_refused_at_its_key(string text, string replacement, string key, string message)
    {
        var yaml = PipelineYaml.Segmentation.With(text, replacement);
        var lines = Message(yaml).Split('\n');
        Assert.Contains($"p.yaml:{PipelineYaml.Place(yaml, replacement, key)}: {message}", lines);
    }

    [Fact]
    public void Betas_must_lie_in_zero_to_one()
    {
        var yaml = PipelineYaml.Segmentation.With("weight_decay: 0.05 }", "weight_decay: 0.05, betas: [0.9, 1.0] }");
        Assert.Equal($"p.yaml:{PipelineYaml.Place(yaml, "betas", "betas")}: train.optimizer.betas must be in [0, 1) (got 1)", Message(yaml));
    }

    [Fact]
    public void Every_problem_is_reported_on_its_own_line()
    {
        var yaml = PipelineYaml.Segmentation.With("lr: 0.0004", "lr: 0").With("stride: 384", "stride: 0").With("device: auto", "device: tpu");
        var lines = Message(yaml).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^p\.yaml:[0-9]+:[0-9]+: ", l));
    }

    [Fact]
    public void A_default_that_conflicts_with_the_file_is_named_without_a_place()
    {
        // warmup_iters keeps its default 1500, which a 1000-iteration run cannot hold
        var yaml = PipelineYaml.Segmentation.With("warmup_iters: 1500, ", "").With("iterations: 80000", "iterations: 1000");
        Assert.Equal("p.yaml: train.schedule.warmup_iters must be in [0, iterations = 1000) (got 1500)", Message(yaml));
    }

    [Fact]
    public void Detection_and_change_settings_are_range_checked()
    {
        var detection = "task: detection\nmodel: { backbone: lemevit-small, head: oriented-rcnn, classes: [plane], rcnn: { score_threshold: 1.5 } }\n";
        Assert.Equal($"p.yaml:{PipelineYaml.Place(detection, "rcnn", "score_threshold")}: model.rcnn.score_threshold must be in [0, 1) (got 1.5)", Message(detection));
        var change = "task: change\nmodel: { backbone: lemevit-small, token_len: 0, head: bit }\n";
        Assert.Equal($"p.yaml:{PipelineYaml.Place(change, "bit", "token_len")}: model.token_len must be > 0 (got 0)", Message(change));
    }

    [Fact]
    public void A_step_schedule_needs_increasing_steps_inside_the_run()
    {
        var yaml = "task: detection\nmodel: { backbone: lemevit-small, head: oriented-rcnn, classes: [plane] }\n"
            + "train:\n  data: { format: dota, root: d }\n  iterations: 1000\n  schedule: { steps: [900, 500, 1000] }\n";
        var lines = Message(yaml).Split('\n');
        Assert.Equal(["p.yaml:6:15: train.schedule.steps must increase", "p.yaml:6:15: train.schedule.steps must be in [1, iterations = 1000) (got 1000)"], lines);
    }
}
