using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests.Heads;

/// <summary>
/// The whole segmentor against tests/reference/segmentor_ref.py: the reference LeMeViT-nano checkpoint in mmseg
/// layout (`state_dict` -> `backbone.*`) plus reference-layout heads load strictly into <see cref="SegmentationModel"/>,
/// and image -> logits (resized to the image) match the reference pipeline within 1e-4 relative.
/// </summary>
public class SegmentorParityTests
{
    [Fact]
    public void Reference_segmentor_checkpoint_loads_and_matches_end_to_end()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "TestData");
        var checkpoint = new Dictionary<string, TensorData>();
        foreach (var (k, v) in Checkpoint.LoadStateDict(Path.Combine(data, "lemevit-nano", "weights_mmseg.pth"))) checkpoint[k] = v;
        foreach (var (k, v) in Checkpoint.LoadStateDict(Path.Combine(data, "segmentor", "heads.pth"))) checkpoint[k] = v;
        Assert.Contains("backbone.meta_tokens", checkpoint.Keys);

        var pipeline = PipelineFile.Parse<SegmentationPipeline>("""
            task: segmentation
            model: { backbone: lemevit-nano, head: upernet, classes: [a, b, c, d, e, clutter], ignore_index: 5, channels: 32, aux_channels: 16 }
            """);
        using var model = SegmentationModels.Create(pipeline);
        using var scope = TorchRuntime.NewScope();
        model.LoadStateDict(checkpoint.ToDictionary(kv => kv.Key, kv => kv.Value.ToTensor()));   // strict: every key matches
        model.Eval();
        var io = Fixture.Tensors(Safetensors.Read(Path.Combine(data, "segmentor", "io.safetensors")).Tensors);
        using var noGrad = TorchRuntime.NoGrad();
        using var both = model.ForwardBoth(io["input"]);
        Fixture.AssertClose(io["logits"], both.Decode, 1e-4);
        Fixture.AssertClose(io["aux_logits"], both.Auxiliary!, 1e-4);
    }
}
