using System.Runtime.InteropServices;

namespace GeoDense.Torch.Native;

/// <summary>Mirror of the shim's <c>gd_scalar</c>: 16 bytes, passed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeScalar(long bits, int kind)
{
    // Values of Kind, as gd::scalar() in src/Native/common.h reads them.
    internal const int Double = 0, Int64 = 1, Bool = 2;

    internal readonly long Bits = bits;  // an int64, or a double's bit pattern
    internal readonly int Kind = kind;
}
