using GeoDense.Torch.Checkpoints;
using GeoDense.Torch.NN;

namespace GeoDense.Torch.Tests.Checkpoints;

/// <summary>Checkpoints into native tensors and modules, and modules back into safetensors (needs the native shim).</summary>
public class TensorCheckpointTests
{
    private static readonly StateDictOptions StemBatchNorm = new() { SelectPrefix = "downsample_layers.0.1." };

    [Fact]
    public void PthLoadsAsOrderedNativeTensors()
    {
        using var scope = TorchRuntime.NewScope();
        var tensors = TensorCheckpoints.LoadTensors(TestFiles.LeMeViT("weights.pth"));
        Assert.Equal(165, tensors.Count);
        Assert.Equal("meta_tokens", tensors.GetAt(0).Key);
        Assert.Equal([16L, 32], tensors["meta_tokens"].Shape);
        Assert.Equal(23.68482601363212, tensors["meta_tokens"].ToArray<float>().Sum(v => (double)v), 1e-9);
        Assert.Equal(ScalarType.Int64, tensors["norm.num_batches_tracked"].DType);
        Assert.Equal(0L, tensors["norm.num_batches_tracked"].Item<long>());
    }

    [Fact]
    public void LoadIntoFillsAModuleFromASelectedPrefix()
    {
        using var bn = new BatchNorm2d(16);
        var report = TensorCheckpoints.LoadInto(bn, TestFiles.LeMeViT("weights.pth"), StemBatchNorm);
        Assert.True(report.IsClean);
        Assert.Equal(1.2528793811798096f, bn.RunningVar!.ToArray<float>()[0]);
        Assert.Equal(1.235135555267334f, bn.RunningVar.ToArray<float>()[15]);
    }

    [Fact]
    public void StrictLoadReportsShapeMismatches()
    {
        using var bn = new BatchNorm2d(8);
        var e = Assert.Throws<StateDictMismatchException>(() => TensorCheckpoints.LoadInto(bn, TestFiles.LeMeViT("weights.pth"), StemBatchNorm));
        Assert.Equal(4, e.Report.ShapeMismatches.Count); // weight, bias, running_mean, running_var; num_batches_tracked fits
        Assert.Equal(1f, bn.RunningVar!.ToArray<float>()[0]); // nothing copied
    }

    [Fact]
    public void SavedModuleDescribesItselfAndLoadsBackExactly()
    {
        using var files = new TestFiles();
        var path = files.File("model.safetensors");
        const string config = """{"layers":[3,4]}""";
        using var source = new Sequential(new Linear(3, 4), new BatchNorm2d(4));
        using (TorchRuntime.NoGrad())
            ((BatchNorm2d)source[1]).RunningMean!.Copy_(Tensor.FromArray([0.5f, -1f, 2f, 0.25f]));
        TensorCheckpoints.SaveModule(path, source, config);

        var metadata = Safetensors.ReadMetadata(path);
        Assert.Equal(config, GeoDenseMetadata.ConfigJson(metadata));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"],
            Safetensors.Read(path).Tensors.Keys);

        using var target = new Sequential(new Linear(3, 4), new BatchNorm2d(4));
        Assert.True(TensorCheckpoints.LoadInto(target, path).IsClean);
        foreach (var (key, tensor) in source.StateDict())
            Assert.Equal(tensor.ToBytes(), target.StateDict()[key].ToBytes());
        Assert.Equal([0.5f, -1f, 2f, 0.25f], ((BatchNorm2d)target[1]).RunningMean!.ToArray<float>());
    }

    [Fact]
    public void TensorDataRoundTripsThroughNativeTensorsInRowMajorOrder()
    {
        using var scope = TorchRuntime.NewScope();
        var data = TensorData.FromArray(ScalarType.Float32, [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]);
        var tensor = data.ToTensor();
        Assert.Equal([2L, 3], tensor.Shape);
        var transposed = tensor.T.ToTensorData();
        Assert.Equal([3L, 2], transposed.Shape);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], transposed.ToArray<float>());
        Assert.Equal(ScalarType.BFloat16, TensorData.FromArray(ScalarType.BFloat16, [1], new ushort[] { 0x3FC0 }).ToTensor().ToTensorData().DType);
    }
}
