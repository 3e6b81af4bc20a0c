using System.Runtime.InteropServices;
using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>An error raised inside libtorch (shape mismatch, bad dtype, ...). The message is libtorch's own.</summary>
public sealed class TorchException(string message) : Exception(message)
{
    /// <summary>Builds the exception for the call that just failed on this thread.</summary>
    internal static TorchException FromLastError()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.gd_last_error());
        return new TorchException(string.IsNullOrEmpty(message) ? "native call failed without a message" : message);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status < 0) throw FromLastError();
    }

    /// <summary>Checks a status; the extra arguments are tensors kept reachable until the call has returned.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status, object? a, object? b = null, object? c = null)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        Check(status);
    }
}
