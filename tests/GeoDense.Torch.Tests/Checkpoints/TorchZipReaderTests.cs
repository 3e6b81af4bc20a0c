using System.Numerics;
using System.Runtime.InteropServices;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Torch.Tests.Checkpoints;

/// <summary>torch-files/shared_storage.pth (recipe in TestData/README.md): views, dtypes and Python values.</summary>
public class TorchZipReaderTests
{
    private static readonly Lazy<OrderedDictionary<object, object?>> Root =
        new(() => (OrderedDictionary<object, object?>)TorchZipReader.Load(TestFiles.Data("torch-files", "shared_storage.pth"))!);

    private static OrderedDictionary<object, object?> Model => (OrderedDictionary<object, object?>)Root.Value["model"]!;

    private static TensorData Tensor(string name) => (TensorData)Model[name]!;

    [Fact]
    public void ContiguousViewsShareOneStorageBuffer()
    {
        var baseArray = ArrayOf(Tensor("base"));
        Assert.Same(baseArray.Array, ArrayOf(Tensor("window")).Array);
        Assert.Same(baseArray.Array, ArrayOf(Tensor("pair")).Array);
        Assert.Equal(4 * sizeof(float), ArrayOf(Tensor("window")).Offset - baseArray.Offset);
        Assert.Equal(10 * sizeof(float), ArrayOf(Tensor("pair")).Offset - baseArray.Offset);

        Assert.Equal([3L, 4], Tensor("window").Shape);
        Assert.Equal([2f, 2.5f, 3f, 3.5f, 4f, 4.5f, 5f, 5.5f, 6f, 6.5f, 7f, 7.5f], Tensor("window").ToArray<float>());
        Assert.Equal([5f, 5.5f], Tensor("pair").ToArray<float>());
    }

    [Fact]
    public void NonContiguousViewsAreCopiedOutInRowMajorOrder()
    {
        var transposed = Tensor("window_t");
        Assert.Equal([4L, 3], transposed.Shape);
        Assert.Equal([2f, 4f, 6f, 2.5f, 4.5f, 6.5f, 3f, 5f, 7f, 3.5f, 5.5f, 7.5f], transposed.ToArray<float>());
        Assert.NotSame(ArrayOf(Tensor("base")).Array, ArrayOf(transposed).Array);

        var expanded = Tensor("expanded");
        Assert.Equal([2L, 3], expanded.Shape);
        Assert.Equal([1f, 2f, 3f, 1f, 2f, 3f], expanded.ToArray<float>());
    }

    [Fact]
    public void EveryDTypeIsDecoded()
    {
        Assert.Equal([0.25f, -0.75f], Tensor("param").ToArray<float>());
        Assert.Equal([1L, 2], Tensor("param").Shape);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0, 1.25], Tensor("half").ToArray<Half>().Select(h => (double)h));
        Assert.Equal([(ushort)0x3FC0, (ushort)0xC010], Tensor("bf16").ToArray<ushort>()); // bfloat16 bits of 1.5, -2.25
        Assert.Equal(ScalarType.BFloat16, Tensor("bf16").DType);
        Assert.Equal([Math.PI], Tensor("f64").ToArray<double>());
        Assert.Equal([3L, -5, 1L << 40], Tensor("i64").ToArray<long>());
        Assert.Equal([-7, 9], Tensor("i32").ToArray<int>());
        Assert.Equal([(byte)0, (byte)200, (byte)255], Tensor("u8").ToArray<byte>());
        Assert.Equal([(sbyte)-128, (sbyte)127], Tensor("i8").ToArray<sbyte>());
        Assert.Equal([(short)-300, (short)300], Tensor("i16").ToArray<short>());
        Assert.Equal([true, false, true], Tensor("flags").ToArray<bool>());
        Assert.Equal(ScalarType.Bool, Tensor("flags").DType);

        var tracked = Tensor("num_batches_tracked");
        Assert.Empty(tracked.Shape);
        Assert.Equal([1234L], tracked.ToArray<long>());
        Assert.Equal([0L, 3], Tensor("empty").Shape);
        Assert.Equal(0, Tensor("empty").Data.Length);
    }

    [Fact]
    public void PythonValuesAroundTheStateDictAreKept()
    {
        var root = Root.Value;
        Assert.Equal(["model", "epoch", "lr", "name", "big", "neg", "nested"], root.Keys);
        Assert.Equal(7L, root["epoch"]);
        Assert.Equal(0.001, root["lr"]);
        Assert.Equal("tiny", root["name"]);
        Assert.Equal(BigInteger.Pow(2, 70), root["big"]);
        Assert.Equal(-(1L << 40), root["neg"]);

        var nested = (OrderedDictionary<object, object?>)root["nested"]!;
        Assert.Equal([1L, 2.5, "x", null, true, false], (List<object?>)nested["list"]!);
        Assert.Equal([1L, 2L], (object?[])nested["tuple"]!);
        var ids = (OrderedDictionary<object, object?>)nested["ids"]!;
        Assert.Equal("b", ids[1L]);
    }

    [Fact]
    public void StateDictOfTheWrappedCheckpointKeepsItsOrder()
    {
        var sd = Checkpoint.LoadStateDict(TestFiles.Data("torch-files", "shared_storage.pth"));
        Assert.Equal(17, sd.Count);
        Assert.Equal(["base", "window", "window_t", "pair", "expanded", "param"], sd.Keys.Take(6));
        Assert.Equal("empty", sd.GetAt(16).Key);
    }

    [Fact]
    public void BigEndianArchiveWithTorch2LayoutReadsTheSameValues()
    {
        // torch 2.x names the folder "archive" and records the byte order; rebuild our file that way, big-endian.
        int[] elementSizes = [4, 4, 4, 2, 2, 8, 8, 4, 1, 1, 2, 1, 8, 4]; // storages 0..13 in the recipe's order
        using var files = new TestFiles();
        var path = files.File("big_endian.pth");
        using (var source = System.IO.Compression.ZipFile.OpenRead(TestFiles.Data("torch-files", "shared_storage.pth")))
        using (var target = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var input = new MemoryStream();
                using (var stream = entry.Open()) stream.CopyTo(input);
                var bytes = input.ToArray();
                string relative = entry.FullName["shared_storage/".Length..];
                if (relative.StartsWith("data/"))
                {
                    int size = elementSizes[int.Parse(relative["data/".Length..])];
                    for (int i = 0; i < bytes.Length; i += size) Array.Reverse(bytes, i, size);
                }
                using var output = target.CreateEntry("archive/" + relative).Open();
                output.Write(bytes);
            }
            using var order = target.CreateEntry("archive/byteorder").Open();
            order.Write("big"u8);
        }

        var expected = Checkpoint.LoadStateDict(TestFiles.Data("torch-files", "shared_storage.pth"));
        var actual = Checkpoint.LoadStateDict(path);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (key, tensor) in expected)
            Assert.True(tensor.Data.Span.SequenceEqual(actual[key].Data.Span), key);
        Assert.Equal([3L, -5, 1L << 40], actual["i64"].ToArray<long>());
    }

    private static ArraySegment<byte> ArrayOf(TensorData tensor) =>
        MemoryMarshal.TryGetArray(tensor.Data, out var segment) ? segment : throw new InvalidOperationException("not array-backed");
}
