using System.Buffers.Binary;
using System.Text;
using GeoDense.Torch.Checkpoints;

namespace GeoDense.Torch.Tests.Checkpoints;

public class SafetensorsTests
{
    private static OrderedDictionary<string, TensorData> AllDTypes() => new()
    {
        ["f32"] = TensorData.FromArray(ScalarType.Float32, [2, 2], [1f, -2.5f, 3.25f, 0f]),
        ["f16"] = TensorData.FromArray(ScalarType.Float16, [3], [(Half)0.5, (Half)(-1), (Half)65504]),
        ["bf16"] = TensorData.FromArray(ScalarType.BFloat16, [2], new ushort[] { 0x3FC0, 0xC010 }),
        ["f64"] = TensorData.FromArray(ScalarType.Float64, [1], [Math.E]),
        ["i64"] = TensorData.FromArray(ScalarType.Int64, [], [long.MinValue]),
        ["i32"] = TensorData.FromArray(ScalarType.Int32, [2, 1], [int.MaxValue, -1]),
        ["i16"] = TensorData.FromArray(ScalarType.Int16, [2], new short[] { -300, 300 }),
        ["i8"] = TensorData.FromArray(ScalarType.Int8, [2], new sbyte[] { -128, 127 }),
        ["u8"] = TensorData.FromArray(ScalarType.UInt8, [3], new byte[] { 0, 7, 255 }),
        ["bool"] = TensorData.FromArray(ScalarType.Bool, [2], [true, false]),
        ["empty"] = TensorData.FromArray(ScalarType.Float32, [0, 4], Array.Empty<float>()),
    };

    [Fact]
    public void RoundTripKeepsEveryDTypeShapeValueAndOrder()
    {
        using var files = new TestFiles();
        var path = files.File("all.safetensors");
        var tensors = AllDTypes();
        var metadata = GeoDenseMetadata.Create("""{"backbone":"lemevit","variant":"nano"}""", new Dictionary<string, string> { ["note"] = "ü ok" });

        Safetensors.Write(path, tensors, metadata);
        var read = Safetensors.Read(path);

        Assert.Equal(tensors.Keys, read.Tensors.Keys);
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.DType, read.Tensors[name].DType);
            Assert.Equal(tensor.Shape, read.Tensors[name].Shape);
            Assert.True(tensor.Data.Span.SequenceEqual(read.Tensors[name].Data.Span), name);
        }
        Assert.Equal("""{"backbone":"lemevit","variant":"nano"}""", GeoDenseMetadata.ConfigJson(read.Metadata));
        Assert.Equal("1", read.Metadata[GeoDenseMetadata.FormatVersionKey]);
        Assert.Equal("ü ok", read.Metadata["note"]);
        Assert.Equal(3, Safetensors.ReadMetadata(path).Count);
    }

    [Fact]
    public void FileLayoutFollowsTheSafetensorsSpec()
    {
        using var files = new TestFiles();
        var path = files.File("layout.safetensors");
        Safetensors.Write(path, [new("a", TensorData.FromArray(ScalarType.Float32, [2], [1f, 2f])),
                                 new("b", TensorData.FromArray(ScalarType.Int64, [1], [5L]))]);

        var bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}""",
            header.TrimEnd(' '));
        Assert.Equal(8 + headerLength + 16, bytes.Length);
        Assert.Equal(2f, BitConverter.ToSingle(bytes, (int)(8 + headerLength + 4)));
        Assert.Equal(5L, BitConverter.ToInt64(bytes, (int)(8 + headerLength + 8)));
        Assert.Single(Directory.GetFiles(files.Directory)); // no temp file left behind
    }

    [Fact]
    public void LazyReaderReadsOnlyTheRequestedTensor()
    {
        using var reader = SafetensorsReader.Open(TestFiles.LeMeViT("io.safetensors"));
        Assert.Equal(6, reader.Entries.Count);
        Assert.Empty(reader.Metadata);
        var logits = reader.Read("logits");
        Assert.Equal([2L, 51], logits.Shape);
        Assert.Equal(-58.238501630723476, LeMeViTCheckpointTests.Sum(logits), 1e-8);
        Assert.Equal((294912L, 295320L), (reader.Entries[1].Begin, reader.Entries[1].End));
    }

    [Fact]
    public void WriterRejectsDuplicateAndReservedNames()
    {
        using var files = new TestFiles();
        var t = TensorData.FromArray(ScalarType.UInt8, [1], new byte[] { 1 });
        Assert.Throws<ArgumentException>(() => Safetensors.Write(files.File("x"), [new("a", t), new("a", t)]));
        Assert.Throws<ArgumentException>(() => Safetensors.Write(files.File("y"), [new("__metadata__", t)]));
        Assert.Empty(Directory.GetFiles(files.Directory));
    }

    [Fact]
    public void CheckpointLoadReadsSafetensorsAsAStateDict()
    {
        using var files = new TestFiles();
        var path = files.File("weights.safetensors");
        Safetensors.Write(path, [new("module.backbone.w", TensorData.FromArray(ScalarType.Float32, [1], [1f])),
                                 new("module.decode_head.b", TensorData.FromArray(ScalarType.Float32, [1], [2f]))]);
        var sd = Checkpoint.LoadStateDict(path, StateDictOptions.Backbone);
        Assert.Equal(["w"], sd.Keys);
        Assert.Equal(CheckpointFormat.Safetensors, CheckpointFormats.Detect(path));
    }

    [Fact]
    public void EnumeratingAStateDictValidatesTheFileBeforeTheFirstTensor()
    {
        using var files = new TestFiles();
        var path = files.File("dup.safetensors");
        var header = """{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"""u8.ToArray();
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, 1, 2]);
        var e = Assert.Throws<CheckpointInputException>(() => Checkpoint.EnumerateStateDict(path));
        Assert.Contains("'a' is listed twice", e.Message);
    }
}
