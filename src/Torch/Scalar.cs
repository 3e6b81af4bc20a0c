using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>A number passed to an op. Integers stay integers, so <c>intTensor + 1</c> keeps its dtype
/// while <c>intTensor + 1.5</c> promotes to float, exactly as in PyTorch.</summary>
public readonly struct Scalar
{
    // Already in the shim's by-value layout, so passing a scalar costs no conversion.
    private readonly NativeScalar _native;

    private Scalar(long bits, int kind) => _native = new NativeScalar(bits, kind);

    public static implicit operator Scalar(double value) => new(BitConverter.DoubleToInt64Bits(value), NativeScalar.Double);
    public static implicit operator Scalar(float value) => new(BitConverter.DoubleToInt64Bits(value), NativeScalar.Double);
    public static implicit operator Scalar(long value) => new(value, NativeScalar.Int64);
    public static implicit operator Scalar(int value) => new(value, NativeScalar.Int64);
    public static implicit operator Scalar(bool value) => new(value ? 1 : 0, NativeScalar.Bool);

    public bool IsIntegral => _native.Kind != NativeScalar.Double;

    public double ToDouble() => _native.Kind == NativeScalar.Double ? BitConverter.Int64BitsToDouble(_native.Bits) : _native.Bits;

    internal NativeScalar ToNative() => _native;

    public override string ToString() => _native.Kind switch
    {
        NativeScalar.Double => ToDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        NativeScalar.Int64 => _native.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => _native.Bits != 0 ? "true" : "false",
    };
}
