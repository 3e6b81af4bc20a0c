using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>A number passed to an op. Integers stay integers, so <c>intTensor + 1</c> keeps its dtype
/// while <c>intTensor + 1.5</c> promotes to float, exactly as in PyTorch.</summary>
public readonly struct Scalar
{
    private readonly long _bits;
    private readonly int _kind; // 0 double, 1 int64, 2 bool

    private Scalar(long bits, int kind)
    {
        _bits = bits;
        _kind = kind;
    }

    public static implicit operator Scalar(double value) => new(BitConverter.DoubleToInt64Bits(value), 0);
    public static implicit operator Scalar(float value) => new(BitConverter.DoubleToInt64Bits(value), 0);
    public static implicit operator Scalar(long value) => new(value, 1);
    public static implicit operator Scalar(int value) => new(value, 1);
    public static implicit operator Scalar(bool value) => new(value ? 1 : 0, 2);

    public bool IsIntegral => _kind != 0;

    public double ToDouble() => _kind == 0 ? BitConverter.Int64BitsToDouble(_bits) : _bits;

    internal NativeScalar ToNative() => new(_bits, _kind);

    public override string ToString() => _kind switch
    {
        0 => ToDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => _bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => _bits != 0 ? "true" : "false",
    };
}
