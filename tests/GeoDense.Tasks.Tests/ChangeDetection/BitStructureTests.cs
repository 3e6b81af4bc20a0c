using GeoDense.Heads.BIT;
using GeoDense.Tasks.ChangeDetection;
using GeoDense.Tasks.Pipelines;
using GeoDense.Torch;

namespace GeoDense.Tasks.Tests.ChangeDetection;

/// <summary>Shapes through BIT's parts, and the siamese backbone: one parameter set that both dates train.</summary>
public class BitStructureTests
{
    static BitChangeDetector Nano() => ChangeModels.Create(PipelineFile.Parse<ChangePipeline>(
        "task: change\nmodel: { backbone: lemevit-nano, head: bit }\n", "nano.yaml"));

    [Fact]
    public void Tokenizer_encoder_decoder_and_output_have_the_reference_shapes()
    {
        using var model = Nano();
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var before = Tensor.Rand(2, 3, 64, 96).Mul(255);
        var after = Tensor.Rand(2, 3, 64, 96).Mul(255);

        var f1 = model.EmbedDate(before);
        Assert.Equal([2L, 32, 8, 12], f1.Shape);                        // stride 16 -> 2x nearest -> conv_pred to 32
        var t1 = SemanticTokenizer.Tokens(model.ConvA, f1);
        Assert.Equal([2L, 4, 32], t1.Shape);                             // 4 tokens of 32 per date
        var attention = model.ConvA.Forward(f1).Flatten(2).Softmax(-1).Sum(-1);
        Assert.True(attention.AllClose(Tensor.Ones(2, 4), 1e-5, 1e-5));  // each token's weights sum to one over the pixels

        var t2 = SemanticTokenizer.Tokens(model.ConvA, model.EmbedDate(after));
        var (e1, e2) = model.EncodeTokens(t1, t2);
        Assert.Equal([2L, 4, 32], e1.Shape);
        Assert.Equal([2L, 4, 32], e2.Shape);
        Assert.Equal([1L, 8, 32], model.PosEmbedding.Shape);
        Assert.Single(model.Transformer.Layers);
        Assert.Equal(8, model.TransformerDecoder.Layers.Count);

        var decoded = model.TransformerDecoder.Forward(f1, e1);
        Assert.Equal(f1.Shape, decoded.Shape);
        Assert.Equal([2L, 2, 64, 96], model.Forward(before, after).Shape);
    }

    [Fact]
    public void A_LIT_backbone_serves_BIT_with_no_change_specific_code()
    {
        using var model = ChangeModels.Create(PipelineFile.Parse<ChangePipeline>(
            "task: change\nmodel: { backbone: lit-nano, head: bit }\n", "lit.yaml"));
        model.Eval();
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var before = Tensor.Rand(1, 3, 64, 64).Mul(255);
        Assert.Equal([1L, 2, 64, 64], model.Forward(before, Tensor.Rand(1, 3, 64, 64).Mul(255)).Shape);
        Assert.Contains(model.StateDict().Keys, k => k.StartsWith("backbone.", StringComparison.Ordinal));
    }

    [Fact]
    public void Attention_scales_by_the_model_width_not_the_head_width()
    {
        // with q = k = v = x and a single head of width 64 over a 32-wide model, the reference scale is 32^-0.5
        using var attention = new BitSelfAttention(32, heads: 8, dimHead: 64);
        using var scope = TorchRuntime.NewScope();
        using var noGrad = TorchRuntime.NoGrad();
        var x = Tensor.Randn(1, 5, 32);
        var qkv = attention.ToQkv.Forward(x).Chunk(3, -1);
        Tensor Heads(Tensor t) => t.View(1, 5, 8, 64).Permute(0, 2, 1, 3);
        var expected = Heads(qkv[0]).MatMul(Heads(qkv[1]).Transpose(-2, -1)).Mul(Math.Pow(32, -0.5)).Softmax(-1).MatMul(Heads(qkv[2]))
            .Permute(0, 2, 1, 3).Reshape(1, 5, 512);
        Assert.True(attention.ToOut.Forward(expected).AllClose(attention.Forward(x), 1e-5, 1e-6));
    }

    [Fact]
    public void Both_dates_share_one_backbone_parameter_set()
    {
        using var model = Nano();
        var backboneParameters = model.Backbone.Parameters().ToList();
        var all = model.Parameters().ToList();
        Assert.Equal(all.Count, all.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(model.Backbone.ParameterCount() + HeadParameterCount(model), model.ParameterCount());
        Assert.DoesNotContain(model.StateDict().Keys, k => k.StartsWith("backbone2", StringComparison.Ordinal));
        Assert.NotEmpty(backboneParameters);
    }

    static long HeadParameterCount(BitChangeDetector m) =>
        m.PosEmbedding.Numel + m.Classifier.ParameterCount() + m.ConvPred.ParameterCount() + m.ConvA.ParameterCount()
        + m.Transformer.ParameterCount() + m.TransformerDecoder.ParameterCount();

    [Fact]
    public void Gradients_from_both_dates_accumulate_in_the_shared_backbone()
    {
        using var model = Nano();
        model.Eval();   // fixed BatchNorm statistics: each date's contribution is then independent of the other's
        using var scope = TorchRuntime.NewScope();
        var before = Tensor.Rand(1, 3, 32, 32).Mul(255);
        var after = Tensor.Rand(1, 3, 32, 32).Mul(255);
        var probe = model.Backbone.NamedParameters().First(p => p.Key == "stages.0.0.norm1.weight").Value;

        float[] GradientOf(params Tensor[] dates)
        {
            model.ZeroGrad();
            using var inner = TorchRuntime.NewScope();
            Tensor? loss = null;
            foreach (var date in dates)
            {
                var term = model.EmbedDate(date).Square().Mean();
                loss = loss is null ? term : loss.Add(term);
            }
            loss!.Backward();
            return probe.Grad!.Contiguous().ToArray<float>();
        }

        var fromBefore = GradientOf(before);
        var fromAfter = GradientOf(after);
        var fromBoth = GradientOf(before, after);
        Assert.Contains(fromBefore, v => v != 0);
        Assert.Contains(fromAfter, v => v != 0);
        Assert.NotEqual(fromBefore, fromAfter);
        for (int i = 0; i < fromBoth.Length; i++)
            Assert.True(Math.Abs(fromBoth[i] - (fromBefore[i] + fromAfter[i])) <= 1e-4 * (1 + Math.Abs(fromBoth[i])),
                $"element {i}: {fromBoth[i]} != {fromBefore[i]} + {fromAfter[i]}");
    }
}
