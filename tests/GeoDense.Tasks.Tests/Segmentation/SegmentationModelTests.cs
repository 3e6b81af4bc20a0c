using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Segmentation;

public class SegmentationModelTests
{
    static SegmentationPipeline Pipeline(int channels = 32, int aux = 16) => PipelineFile.Parse<SegmentationPipeline>($$"""
        task: segmentation
        model: { backbone: lemevit-nano, head: upernet, classes: [a, b, c, d, e, clutter], ignore_index: 5, channels: {{channels}}, aux_channels: {{aux}} }
        """);

    [Fact]
    public void Keys_follow_mmseg_encoder_decoder_and_logits_come_at_input_size()
    {
        using var model = SegmentationModels.Create(Pipeline());
        var keys = model.StateDict().Keys.ToList();
        Assert.Contains("backbone.meta_tokens", keys);
        Assert.Contains("decode_head.psp_modules.3.1.bn.running_var", keys);
        Assert.Contains("decode_head.lateral_convs.0.conv.weight", keys);
        Assert.Contains("auxiliary_head.convs.0.conv.weight", keys);
        Assert.All(keys, k => Assert.Matches("^(backbone|decode_head|auxiliary_head)\\.", k));
        Assert.Equal([16L, 96, 3, 3], model.StateDict()["auxiliary_head.convs.0.conv.weight"].Shape);   // stride-16 feature of nano
        Assert.Equal([5L, 32, 1, 1], model.StateDict()["decode_head.conv_seg.weight"].Shape);           // clutter is not predicted
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var logits = model.Forward(Tensor.Randn(2, 3, 70, 90));
        Assert.Equal([2L, 5, 70, 90], logits.Shape);
        using var both = model.ForwardBoth(Tensor.Randn(1, 3, 64, 64));
        Assert.Equal([1L, 5, 64, 64], both.Auxiliary!.Shape);
    }

    [Fact]
    public void Saved_weights_reload_into_a_fresh_model_with_identical_outputs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seg-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = TorchRuntime.NewScope();
            using var noGrad = TorchRuntime.NoGrad();
            var x = Tensor.Randn(1, 3, 64, 96);
            using var a = SegmentationModels.Create(Pipeline());
            a.Eval();
            TensorCheckpoints.SaveSafetensors(path, a.StateDict());
            using var session = SegmentationModels.Load(Pipeline(), "p.yaml", path, Device.Cpu);
            Assert.Equal(a.Forward(x).ToArray<float>(), session.Model.Forward(x).ToArray<float>());

            // weights without an embedded pipeline: the architecture is read off the tensors and named in one line first
            var e = Assert.Throws<PipelineInputException>(() => SegmentationModels.Load(Pipeline(channels: 48), "p.yaml", path, Device.Cpu));
            var lines = e.Message.Split(Environment.NewLine);
            Assert.Contains("weights are lemevit-nano + upernet(32, aux 16)", lines[0]);
            Assert.Contains("asks lemevit-nano + upernet(48, aux 16)", lines[0]);
            Assert.Contains("decode_head.conv_seg.weight", e.Message);
        }
        finally { File.Delete(path); }
    }
}
