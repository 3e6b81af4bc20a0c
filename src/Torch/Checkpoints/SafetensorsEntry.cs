namespace GeoDense.Torch.Checkpoints;

/// <summary>One tensor described by a safetensors header; offsets are relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
