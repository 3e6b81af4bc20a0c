using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;
using GeoDense.Tasks.Segmentation;
using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Tasks.Tests.Inference;

/// <summary>The pipeline's `precision`: checked as a key, applied by the session, and close to fp32 in what it predicts.</summary>
public sealed class PrecisionTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("precision-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    static SegmentationPipeline Pipeline(string precision) => PipelineFile.Parse<SegmentationPipeline>($$"""
        task: segmentation
        model: { backbone: lemevit-nano, head: upernet, classes: [a, b, c], ignore_index: 255, channels: 32, aux_channels: 0 }
        input: { bands: [1, 2, 3], mean: [0, 0, 0], std: [1, 1, 1] }
        precision: {{precision}}
        """);

    [Fact]
    public void An_unknown_precision_is_refused_at_its_key()
    {
        var e = Assert.Throws<PipelineInputException>(() => Pipeline("fp16"));
        Assert.Contains("precision is 'fp16'; expected one of fp32, bf16, int8", e.Message);
        Assert.Equal("fp32", PipelineFile.Parse<SegmentationPipeline>(PipelineFile.Serialize(Pipeline("fp32"))).Precision);
    }

    [Fact]
    public void Int8_and_bf16_sessions_predict_close_to_fp32()
    {
        var weights = Path.Combine(dir, "w.safetensors");
        using (var model = SegmentationModels.Create(Pipeline("fp32")))
            TensorCheckpoints.SaveSafetensors(weights, model.StateDict());
        var random = new Random(5);
        var tile = new float[2 * 3 * 64 * 64];
        for (var i = 0; i < tile.Length; i++) tile[i] = (float)(random.NextDouble() * 2 - 1);

        float[] Logits(string precision)
        {
            var pipeline = Pipeline(precision);
            using var session = SegmentationModels.Load(pipeline, "p.yaml", weights, Device.Cpu);
            Assert.Equal(ReducedPrecision.TryParse(precision), session.Precision);
            Assert.All(session.Model.Modules().OfType<Linear>(), l => Assert.Equal(precision == "int8", l.Int8));
            return new TileInference(session.Model, [0, 0, 0], [1, 1, 1], Device.Cpu, session.Precision).Run(tile, 2, 3, 64, 64);
        }

        var fp32 = Logits("fp32");
        var range = fp32.Max(Math.Abs);
        // a random-weight model: these bounds only catch a broken path (wrong layer, wrong scale), the accuracy bound
        // on a trained model is in docs/performance.md
        foreach (var precision in new[] { "int8", "bf16" })
        {
            if ((precision == "bf16" && !ReducedPrecision.CpuHasBf16) || (precision == "int8" && !Functional.HasFastInt8Linear))
            {
                Assert.Throws<PrecisionNotSupportedException>(() => Logits(precision));
                continue;
            }
            var other = Logits(precision);
            var drift = fp32.Zip(other, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(drift < 0.1 * range, $"{precision}: logits drift {drift} against a range of {range}");
        }
    }
}
