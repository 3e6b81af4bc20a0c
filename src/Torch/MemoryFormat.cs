namespace GeoDense.Torch;

/// <summary>Tensor memory layouts. Values equal c10::MemoryFormat.</summary>
public enum MemoryFormat
{
    Contiguous = 0,
    ChannelsLast = 2,
}
