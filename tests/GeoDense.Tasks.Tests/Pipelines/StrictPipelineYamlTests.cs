using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Tests.Pipelines;

/// <summary>Keys the file does not define, repeats, omits or types wrongly are errors with file:line:column, never defaults.</summary>
public class StrictPipelineYamlTests
{
    static PipelineInputException Error(string yaml) => Assert.Throws<PipelineInputException>(() => PipelineFile.Parse(yaml, "p.yaml"));

    [Fact]
    public void Unknown_key_names_its_place_and_the_valid_keys_of_its_section()
    {
        var yaml = PipelineYaml.Segmentation.With("  ignore_index: 5\n", "  ignore_index: 5\n  chanels: 64\n");
        Assert.Equal("p.yaml:7:3: unknown key 'chanels' in model; expected one of backbone, head, classes, ignore_index, channels, "
            + "aux_channels, aux_loss_weight, dropout", Error(yaml).Message);
    }

    [Fact]
    public void Unknown_top_level_and_nested_keys_are_each_reported()
    {
        var yaml = PipelineYaml.Segmentation.With("device: auto", "devise: auto").With("power: 1.0", "powr: 1.0");
        var lines = Error(yaml).Message.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"p.yaml:{PipelineYaml.Place(yaml, "powr", "powr")}: unknown key 'powr' in train.schedule; expected one of type, warmup_iters,", lines[0]);
        Assert.Equal($"p.yaml:{PipelineYaml.Place(yaml, "devise", "devise")}: unknown key 'devise' in the pipeline; expected one of task, model, train, input, tiling, output, device, precision", lines[1]);
    }

    [Fact]
    public void A_key_that_belongs_to_another_task_is_unknown()
    {
        var yaml = PipelineYaml.Segmentation.With("  ignore_index: 5\n", "  ignore_index: 5\n  token_len: 4\n");
        Assert.StartsWith("p.yaml:7:3: unknown key 'token_len' in model;", Error(yaml).Message);
    }

    [Fact]
    public void Duplicate_key_is_rejected_naming_both_lines()
    {
        var yaml = PipelineYaml.Segmentation.With("  head: upernet\n", "  head: upernet\n  backbone: lemevit-tiny\n");
        Assert.Equal("p.yaml:5:3: duplicate key 'backbone' in model (first at line 3)", Error(yaml).Message);
    }

    [Fact]
    public void Duplicate_key_inside_a_flow_mapping_is_rejected()
    {
        var yaml = PipelineYaml.Segmentation.With("size: 512, stride: 384,", "size: 512, stride: 384, size: 256,");
        Assert.StartsWith("p.yaml:8:", Error(yaml).Message);
        Assert.EndsWith("duplicate key 'size' in tiling (first at line 8)", Error(yaml).Message);
    }

    [Fact]
    public void Missing_backbone_is_an_error_not_a_default()
    {
        var yaml = PipelineYaml.Segmentation.With("  backbone: lemevit-small\n", "");
        Assert.Matches(@"^p\.yaml:[0-9]+:[0-9]+: missing key 'backbone' in model$", Error(yaml).Message);
    }

    [Fact]
    public void Missing_classes_is_an_error_for_detection()
    {
        var e = Error("task: detection\nmodel: { backbone: lemevit-small, head: oriented-rcnn }\n");
        Assert.Equal("p.yaml:2:8: missing key 'classes' in model", e.Message);
    }

    [Fact]
    public void Missing_model_section_lists_what_it_needs()
    {
        Assert.Equal("p.yaml:1:1: missing key 'model' in the pipeline (with backbone, head, classes)", Error("task: segmentation\n").Message);
    }

    [Fact]
    public void Missing_task_and_unknown_task_are_errors()
    {
        Assert.Equal("p.yaml: missing key 'task' (segmentation | detection | change | classification)",
            Error("model: { backbone: lemevit-small }\n").Message);
        Assert.Equal("p.yaml:1:7: task is 'segmentaton'; expected one of segmentation, detection, change, classification",
            Error("task: segmentaton\n").Message);
    }

    [Fact]
    public void Train_section_needs_its_data()
    {
        var yaml = PipelineYaml.Segmentation.With("  data: { format: potsdam, root: data/potsdam }\n", "");
        Assert.Matches(@"^p\.yaml:[0-9]+:[0-9]+: missing key 'data' in train \(with format, root\)$", Error(yaml).Message);
    }

    [Fact]
    public void Value_of_the_wrong_type_names_key_place_and_line()
    {
        var yaml = PipelineYaml.Segmentation.With("iterations: 80000", "iterations: abc");
        var place = PipelineYaml.Place(yaml, "iterations: abc", "iterations");
        var column = int.Parse(place.Split(':')[1]) + "iterations: ".Length;
        Assert.Equal($"p.yaml:{place.Split(':')[0]}:{column}: train.iterations: 'abc' is not a whole number (at 'iterations: abc')", Error(yaml).Message);
    }

    [Fact]
    public void List_item_of_the_wrong_type_names_its_index()
    {
        var yaml = PipelineYaml.Segmentation.With("bands: [1, 2, 3]", "bands: [1, two, 3]");
        Assert.Contains("input.bands[1]: 'two' is not a whole number", Error(yaml).Message);
    }

    [Fact]
    public void A_value_where_a_section_belongs_is_refused()
    {
        var yaml = PipelineYaml.Segmentation.With("output: { formats: [cog, geojson, png] }", "output: cog");
        Assert.Contains("output: 'cog' is not a section of keys (formats)", Error(yaml).Message);
    }

    [Theory]
    [InlineData("backbone: lemevit-small", "backbone: lemevit-huge", "model.backbone is 'lemevit-huge'; expected one of lemevit-nano, lemevit-tiny, lemevit-small, lemevit-base, lit-ti, lit-s, lit-m, lit-b, lit-ti-nano, lit-nano")]
    [InlineData("head: upernet", "head: oriented-rcnn", "model.head is 'oriented-rcnn'; expected one of upernet")]
    [InlineData("blend: cosine", "blend: gaussian", "tiling.blend is 'gaussian'; expected one of cosine, linear, average, crop")]
    [InlineData("device: auto", "device: gpu", "device is 'gpu'; expected one of auto, cpu, cuda")]
    [InlineData("formats: [cog, geojson, png]", "formats: [cog, tiff]",
        "output.formats is 'tiff'; expected one of cog, geotiff, probabilities, geojson, gpkg, shapefile, shp, png")]
    [InlineData("type: adamw", "type: sgd", "train.optimizer.type is 'sgd'; expected one of adamw")]
    [InlineData("type: poly", "type: step", "train.schedule.type is 'step'; expected one of poly, cosine")]
    public void Unknown_values_are_refused_with_the_allowed_ones(string text, string replacement, string message)
    {
        var yaml = PipelineYaml.Segmentation.With(text, replacement);
        var key = replacement.Split(':')[0];
        Assert.Equal($"p.yaml:{PipelineYaml.Place(yaml, replacement, key)}: {message}", Error(yaml).Message);
    }

    [Fact]
    public void Every_output_format_of_segmentation_is_accepted()
    {
        var yaml = PipelineYaml.Segmentation.With("formats: [cog, geojson, png]", "formats: [cog, geotiff, probabilities, geojson, gpkg, shapefile, shp, png]");
        Assert.Equal(8, PipelineFile.Parse<SegmentationPipeline>(yaml).Output.Formats.Count);
    }

    [Fact]
    public void Detection_refuses_raster_outputs_and_a_segmentation_head()
    {
        var e = Error("task: detection\nmodel: { backbone: lemevit-small, head: upernet, classes: [plane] }\noutput: { formats: [cog] }\n");
        Assert.Equal("p.yaml:2:35: model.head is 'upernet'; expected one of oriented-rcnn\n"
            + "p.yaml:3:11: output.formats is 'cog'; expected one of geojson, gpkg, shapefile, shp", e.Message);
    }

    [Fact]
    public void Yaml_syntax_error_names_the_place()
    {
        var e = Error("task: segmentation\nmodel: { backbone: lemevit-nano, head: upernet\ninput: [\n");
        Assert.Matches(@"^p\.yaml:2:[0-9]+: malformed YAML after this point: is a '\{' or '\[' left unclosed\?", e.Message);
    }

    [Fact]
    public void Empty_file_is_named()
    {
        Assert.Equal("p.yaml: the pipeline file is empty", Error("# nothing here\n").Message);
    }
}
