namespace GeoDense.Torch.Checkpoints;

/// <summary>The dtype names of the safetensors header.</summary>
public static class SafetensorsDTypes
{
    private static readonly (string Name, ScalarType Type)[] Table =
    [
        ("F32", ScalarType.Float32), ("F16", ScalarType.Float16), ("BF16", ScalarType.BFloat16),
        ("F64", ScalarType.Float64), ("I64", ScalarType.Int64), ("I32", ScalarType.Int32),
        ("I16", ScalarType.Int16), ("I8", ScalarType.Int8), ("U8", ScalarType.UInt8), ("BOOL", ScalarType.Bool),
    ];

    public static string NameOf(ScalarType type)
    {
        foreach (var (name, t) in Table)
            if (t == type) return name;
        throw new ArgumentOutOfRangeException(nameof(type), type, "no safetensors dtype for this scalar type");
    }

    public static bool TryParse(string name, out ScalarType type)
    {
        foreach (var (n, t) in Table)
            if (n == name) { type = t; return true; }
        type = default;
        return false;
    }

    public static string Supported => string.Join(", ", Table.Select(e => e.Name));
}
