using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Tests.ChangeDetection;

public class ChangeInputResamplingTests
{
    [Fact]
    public void Change_pipelines_name_the_warp_resampling_under_input_and_keep_it_through_the_weights_metadata()
    {
        Assert.Equal("bilinear", ChangeMaps.Pipeline().Resampling);
        var cubic = ChangeMaps.Pipeline(extra: "input: { resampling: cubic }");
        Assert.Equal("cubic", cubic.Resampling);
        Assert.Equal([0f, 0f, 0f], cubic.Input.Mean);   // the change defaults stay
        Assert.Equal("cubic", PipelineFile.Parse<ChangePipeline>(PipelineFile.Serialize(cubic)).Resampling);
    }

    [Fact]
    public void An_unknown_resampling_is_named_with_the_valid_ones_and_other_tasks_have_no_such_key()
    {
        var e = Assert.Throws<PipelineInputException>(() => ChangeMaps.Pipeline(extra: "input: { resampling: sharpest }"));
        Assert.Contains("input.resampling", e.Message);
        Assert.Contains("bilinear", e.Message);
        var segmentation = Assert.Throws<PipelineInputException>(() => PipelineFile.Parse<SegmentationPipeline>("""
            task: segmentation
            model: { backbone: lemevit-nano, head: upernet, classes: [a, b] }
            input: { resampling: nearest }
            """));
        Assert.Contains("unknown key 'resampling' in input", segmentation.Message);
    }
}
