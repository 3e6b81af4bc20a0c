namespace GeoDense.Torch;

/// <summary>Device kinds. Values equal c10::DeviceType.</summary>
public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>Where a tensor lives: <c>cpu</c>, <c>cuda</c> (current device) or <c>cuda:N</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);
    public static readonly Device Cuda = new(DeviceType.Cuda);

    public static Device CudaAt(int index) => new(DeviceType.Cuda, index);

    public bool IsCuda => Type == DeviceType.Cuda;

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>.</summary>
    public static Device Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.Cpu,
            "cuda" => DeviceType.Cuda,
            _ => throw new FormatException($"unknown device '{text}': use cpu, cuda or cuda:N"),
        };
        if (parts.Length == 1) return new Device(type);
        if (parts.Length == 2 && int.TryParse(parts[1], out var index) && index >= 0) return new Device(type, index);
        throw new FormatException($"bad device '{text}': use cpu, cuda or cuda:N");
    }

    public override string ToString() =>
        (Type == DeviceType.Cpu ? "cpu" : "cuda") + (Index >= 0 ? $":{Index}" : "");
}
