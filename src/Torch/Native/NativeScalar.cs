using System.Runtime.InteropServices;

namespace GeoDense.Torch.Native;

/// <summary>Mirror of the shim's <c>gd_scalar</c>: 16 bytes, passed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeScalar
{
    internal readonly long Bits;
    internal readonly int Kind; // 0 double, 1 int64, 2 bool

    internal NativeScalar(long bits, int kind)
    {
        Bits = bits;
        Kind = kind;
    }
}
