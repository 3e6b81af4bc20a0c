using GeoDense.Torch.Checkpoints;

namespace GeoDense.Torch.Tests.Checkpoints;

/// <summary>
/// The LeMeViT nano fixture read by the pure-C# .pth reader. Expected numbers were computed once with
/// python3-torch 1.13 (torch.load, then .double().sum() / .tolist()).
/// </summary>
public class LeMeViTCheckpointTests
{
    private static readonly Lazy<OrderedDictionary<string, TensorData>> Bare =
        new(() => Checkpoint.LoadStateDict(TestFiles.LeMeViT("weights.pth")));

    [Fact]
    public void BareStateDictHas165TensorsInPyTorchOrder()
    {
        var sd = Bare.Value;
        Assert.Equal(165, sd.Count);
        Assert.Equal("meta_tokens", sd.GetAt(0).Key);
        Assert.Equal("downsample_layers.0.0.weight", sd.GetAt(1).Key);
        Assert.Equal("downsample_layers.0.1.num_batches_tracked", sd.GetAt(7).Key);
        Assert.Equal("stages.1.0.attn.qkv1.weight", sd.GetAt(96).Key);
        Assert.Equal("norm.num_batches_tracked", sd.GetAt(160).Key);
        Assert.Equal("head.bias", sd.GetAt(164).Key);
        Assert.Equal(768569, sd.Values.Sum(t => t.ElementCount));
    }

    [Fact]
    public void ShapesAndDTypesMatch()
    {
        var sd = Bare.Value;
        Assert.Equal([16L, 32], sd["meta_tokens"].Shape);
        Assert.Equal([16L, 3, 3, 3], sd["downsample_layers.0.0.weight"].Shape);
        Assert.Equal([32L, 1, 3, 3], sd["stages.0.0.pos_embed.weight"].Shape);
        Assert.Equal([384L, 128], sd["stages.4.0.attn.qkv.weight"].Shape);
        Assert.Equal([51L, 128], sd["head.weight"].Shape);
        Assert.Empty(sd["norm.num_batches_tracked"].Shape);
        Assert.Equal(ScalarType.Int64, sd["norm.num_batches_tracked"].DType);
        Assert.All(sd.Where(e => !e.Key.EndsWith("num_batches_tracked")), e => Assert.Equal(ScalarType.Float32, e.Value.DType));
    }

    [Fact]
    public void ValuesMatchPyTorch()
    {
        var sd = Bare.Value;
        var meta = sd["meta_tokens"].AsSpan<float>();
        Assert.Equal([-1.1892017126083374f, 1.3932348489761353f, 2.105897903442383f, -0.3545673191547394f], meta[..4].ToArray());
        Assert.Equal(0.1564239114522934f, meta[15 * 32 + 31]);
        Assert.Equal(23.68482601363212, Sum(sd["meta_tokens"]), 1e-9);

        float[] stemRunningVar =
        [
            1.2528793811798096f, 1.44761061668396f, 0.762308657169342f, 1.1119091510772705f, 0.876281201839447f,
            0.8886198997497559f, 1.4902629852294922f, 1.0264956951141357f, 1.1347953081130981f, 1.0135979652404785f,
            0.7004909515380859f, 1.319449543952942f, 1.4603246450424194f, 0.9803465604782104f, 0.9398311376571655f,
            1.235135555267334f,
        ];
        Assert.Equal(stemRunningVar, sd["downsample_layers.0.1.running_var"].ToArray<float>());
        Assert.Equal(-0.49482268048086553, Sum(sd["downsample_layers.0.0.weight"]), 1e-9);
        Assert.Equal(0.007461510132998228f, sd["downsample_layers.0.0.weight"].AsSpan<float>()[^1]);
        Assert.Equal(-16.79546588649123, Sum(sd["stages.4.0.attn.qkv.weight"]), 1e-9);
        Assert.Equal(125.83498233556747, Sum(sd["norm.running_var"]), 1e-9);
        Assert.Equal(0.1821770257083699, Sum(sd["head.bias"]), 1e-9);
        Assert.All(sd.Where(e => e.Key.EndsWith("num_batches_tracked")), e => Assert.Equal([0L], e.Value.ToArray<long>()));
        Assert.Equal(3168.874735509312, sd.Values.Where(t => t.DType == ScalarType.Float32).Sum(Sum), 1e-6);
    }

    [Fact]
    public void WrappedCheckpointResolvesToTheSameTensors()
    {
        var root = (OrderedDictionary<object, object?>)Checkpoint.Load(TestFiles.LeMeViT("weights_wrapped.pth"))!;
        Assert.Equal(["model", "epoch"], root.Keys);
        Assert.Equal(3L, root["epoch"]);

        var wrapped = Checkpoint.LoadStateDict(TestFiles.LeMeViT("weights_wrapped.pth"));
        AssertSameTensors(Bare.Value, wrapped);
    }

    [Fact]
    public void MmsegCheckpointGivesTheBackboneWithoutHead()
    {
        var backbone = Checkpoint.LoadStateDict(TestFiles.LeMeViT("weights_mmseg.pth"), StateDictOptions.Backbone);
        Assert.Equal(163, backbone.Count);
        Assert.DoesNotContain(backbone.Keys, k => k.StartsWith("backbone.") || k.StartsWith("head."));

        var withoutHead = new OrderedDictionary<string, TensorData>();
        foreach (var (key, value) in Bare.Value)
            if (!key.StartsWith("head.")) withoutHead.Add(key, value);
        AssertSameTensors(withoutHead, backbone);
    }

    [Fact]
    public void BackboneOptionsOnABareStateDictKeepItAndCanDropTheHead()
    {
        var options = StateDictOptions.Backbone with { DropPrefixes = ["head."] };
        var backbone = Checkpoint.LoadStateDict(TestFiles.LeMeViT("weights.pth"), options);
        Assert.Equal(163, backbone.Count);
        Assert.Equal("meta_tokens", backbone.GetAt(0).Key);
    }

    [Fact]
    public void IoFixtureHasTheShapesOfMetaJson()
    {
        var content = Safetensors.Read(TestFiles.LeMeViT("io.safetensors"));
        Assert.Equal(["input", "logits", "feature1", "feature2", "feature3", "feature4"], content.Tensors.Keys);
        Assert.Equal([2L, 3, 96, 128], content.Tensors["input"].Shape);
        Assert.Equal([2L, 51], content.Tensors["logits"].Shape);
        Assert.Equal([2L, 32, 24, 32], content.Tensors["feature1"].Shape);
        Assert.Equal([2L, 64, 12, 16], content.Tensors["feature2"].Shape);
        Assert.Equal([2L, 96, 6, 8], content.Tensors["feature3"].Shape);
        Assert.Equal([2L, 128, 3, 4], content.Tensors["feature4"].Shape);
        Assert.Equal(150.33811670467776, Sum(content.Tensors["input"]), 1e-7);
        Assert.Equal(-58.238501630723476, Sum(content.Tensors["logits"]), 1e-8);
        Assert.Equal(3.3292884826660156f, content.Tensors["logits"].AsSpan<float>()[0]);

        using var meta = System.Text.Json.JsonDocument.Parse(File.ReadAllText(TestFiles.LeMeViT("meta.json")));
        var inputShape = meta.RootElement.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64());
        Assert.Equal(inputShape, content.Tensors["input"].Shape);
        Assert.Equal(meta.RootElement.GetProperty("num_classes").GetInt64(), content.Tensors["logits"].Shape[1]);
    }

    internal static double Sum(TensorData tensor)
    {
        double sum = 0;
        foreach (var v in tensor.AsSpan<float>()) sum += v;
        return sum;
    }

    private static void AssertSameTensors(OrderedDictionary<string, TensorData> expected, OrderedDictionary<string, TensorData> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (key, tensor) in expected)
        {
            Assert.Equal(tensor.DType, actual[key].DType);
            Assert.Equal(tensor.Shape, actual[key].Shape);
            Assert.True(tensor.Data.Span.SequenceEqual(actual[key].Data.Span), key);
        }
    }
}
