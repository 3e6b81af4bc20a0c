namespace GeoDense.Torch.Checkpoints;

/// <summary>One storage of a torch.save archive: loaded once per key and shared by every tensor viewing it.</summary>
internal sealed record TorchStorage(string Key, ScalarType DType, byte[] Bytes)
{
    public long ElementCount => Bytes.Length / DType.ElementSize();
}

/// <summary>A storage class global such as torch.FloatStorage, standing for its element type.</summary>
internal sealed record TorchStorageType(string Name, ScalarType DType);

/// <summary>A dtype global such as torch.float32.</summary>
internal sealed record TorchDType(string Name, ScalarType DType);
