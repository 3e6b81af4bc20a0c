namespace GeoDense.Torch.Tests;

public class TensorCreationTests
{
    [Fact]
    public void FloatArrayRoundTripsWithShape()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(2, t.Dim);
        Assert.Equal(6, t.Numel);
        Assert.Equal(ScalarType.Float32, t.DType);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void EveryManagedElementTypeRoundTrips()
    {
        using var d = Tensor.FromArray(new double[] { 1.5, -2.25 });
        using var l = Tensor.FromArray(new long[] { long.MaxValue, -7 });
        using var i = Tensor.FromArray(new[] { int.MinValue, 9 });
        using var b = Tensor.FromArray(new byte[] { 0, 255 });
        using var z = Tensor.FromArray(new[] { true, false });
        Assert.Equal(ScalarType.Float64, d.DType);
        Assert.Equal(new[] { 1.5, -2.25 }, d.ToArray<double>());
        Assert.Equal(ScalarType.Int64, l.DType);
        Assert.Equal(new[] { long.MaxValue, -7 }, l.ToArray<long>());
        Assert.Equal(ScalarType.Int32, i.DType);
        Assert.Equal(new[] { int.MinValue, 9 }, i.ToArray<int>());
        Assert.Equal(ScalarType.UInt8, b.DType);
        Assert.Equal(new byte[] { 0, 255 }, b.ToArray<byte>());
        Assert.Equal(ScalarType.Bool, z.DType);
        Assert.Equal(new[] { true, false }, z.ToArray<bool>());
    }

    [Fact]
    public void FromBytesReadsLittleEndianElements()
    {
        var bytes = new byte[8];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), 3.5f);
        BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), -1f);
        using var t = Tensor.FromBytes(ScalarType.Float32, [2, 1], bytes);
        Assert.Equal(new long[] { 2, 1 }, t.Shape);
        Assert.Equal(new[] { 3.5f, -1f }, t.ToArray<float>());
        Assert.Equal(bytes, t.ToBytes());
    }

    [Fact]
    public void FromBytesRejectsWrongLength()
    {
        var ex = Assert.Throws<TorchException>(() => Tensor.FromBytes(ScalarType.Float32, [3], new byte[8]));
        Assert.Contains("needs 12", ex.Message);
    }

    [Fact]
    public void HalfPrecisionTypesConvertBothWays()
    {
        using var t = Tensor.FromArray(new[] { 1f, 0.5f, -2f });
        foreach (var dtype in new[] { ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float64, ScalarType.Int32 })
        {
            using var c = t.To(dtype);
            Assert.Equal(dtype, c.DType);
            using var back = c.To(ScalarType.Float32);
            Assert.Equal(dtype == ScalarType.Int32 ? new[] { 1f, 0f, -2f } : new[] { 1f, 0.5f, -2f }, back.ToArray<float>());
        }
    }

    [Fact]
    public void FactoriesFillAsNamed()
    {
        using var z = Tensor.Zeros(2, 2);
        using var o = Tensor.Ones([3], ScalarType.Int64);
        using var f = Tensor.Full([2], 7.5);
        using var a = Tensor.Arange(5);
        using var r = Tensor.Arange(1.0, 2.0, 0.25, ScalarType.Float64);
        using var e = Tensor.Eye(2);
        using var s = Tensor.FromScalar(3);
        Assert.Equal(new float[4], z.ToArray<float>());
        Assert.Equal(new long[] { 1, 1, 1 }, o.ToArray<long>());
        Assert.Equal(new[] { 7.5f, 7.5f }, f.ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, a.ToArray<long>());
        Assert.Equal(new[] { 1.0, 1.25, 1.5, 1.75 }, r.ToArray<double>());
        Assert.Equal(new float[] { 1, 0, 0, 1 }, e.ToArray<float>());
        Assert.Equal(0, s.Dim);
        Assert.Equal(3f, s.Item<float>());
    }

    [Fact]
    public void ItemConvertsAndToArrayRequiresMatchingType()
    {
        using var t = Tensor.FromArray(new[] { 2.5f });
        Assert.Equal(2.5, t.Item<double>());
        var ex = Assert.Throws<InvalidOperationException>(() => t.ToArray<double>());
        Assert.Contains("To(ScalarType.Float64)", ex.Message);
    }

    [Fact]
    public void DeviceParsesPyTorchNames()
    {
        Assert.Equal(Device.Cpu, Device.Parse("cpu"));
        Assert.Equal(Device.CudaAt(1), Device.Parse("cuda:1"));
        Assert.Equal("cuda:1", Device.CudaAt(1).ToString());
        Assert.Throws<FormatException>(() => Device.Parse("tpu"));
        if (!TorchRuntime.CudaIsAvailable())
            Assert.Equal(Device.Cpu, TorchRuntime.ResolveDevice("auto"));
    }
}

[Collection(SerialCollection.Name)]
public class ReproducibilityTests
{
    [Fact]
    public void SeededRandomIsReproducibleAndPlausible()
    {
        TorchRuntime.ManualSeed(42);
        using var a = Tensor.Randn(10000);
        TorchRuntime.ManualSeed(42);
        using var b = Tensor.Randn(10000);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        Assert.InRange(a.Mean().Item<float>(), -0.05f, 0.05f);
        Assert.InRange(a.Std().Item<float>(), 0.95f, 1.05f);
        using var u = Tensor.Rand(10000);
        Assert.InRange(u.Min().Item<float>(), 0f, 0.01f);
        Assert.InRange(u.Max().Item<float>(), 0.99f, 1f);
    }
}
