using GeoDense.Torch;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Tasks.Tests;

static class Fixture
{
    public static Dictionary<string, Tensor> Tensors(OrderedDictionary<string, TensorData> data) =>
        data.ToDictionary(kv => kv.Key, kv => Tensor.FromBytes(kv.Value.DType, kv.Value.Shape, kv.Value.Data.Span));

    public static Dictionary<string, Tensor> WithPrefix(Dictionary<string, Tensor> all, string prefix) =>
        all.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    /// <summary>Max |expected - actual| must stay within <paramref name="relative"/> of max |expected|.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double relative)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.Contiguous().ToArray<float>();
        var a = actual.Contiguous().ToArray<float>();
        double scale = e.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(e[i] - a[i]));
        Assert.True(worst <= relative * scale, $"max abs difference {worst:G4} exceeds {relative} x {scale:G4}");
    }
}
