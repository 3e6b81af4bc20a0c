using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>torch.autocast for one device type on this thread; restores the previous state when disposed
/// (same thread, innermost first).</summary>
public sealed class AutocastScope : IDisposable
{
    private IntPtr _scope;

    internal AutocastScope(Device device, ScalarType dtype)
    {
        _scope = NativeMethods.gd_autocast_enter((int)device.Type, (int)dtype);
        if (_scope == IntPtr.Zero) throw TorchException.FromLastError();
    }

    public void Dispose()
    {
        if (_scope == IntPtr.Zero) return;
        NativeMethods.gd_autocast_exit(_scope);
        _scope = IntPtr.Zero;
    }
}
