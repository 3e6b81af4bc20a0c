using System.Runtime.InteropServices;

namespace GeoDense.Torch.Native;

/// <summary>Owns one heap <c>at::Tensor*</c> from the shim. The finalizer is only a safety net;
/// tensors are normally freed deterministically by <see cref="Tensor.Dispose"/> or a dispose scope.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.gd_tensor_free(handle);
        return true;
    }
}
