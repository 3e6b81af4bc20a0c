using GeoDense.Torch.Native;

namespace GeoDense.Torch.NN;

/// <summary>
/// A learnable leaf tensor owned by a module (torch.nn.Parameter). Never scope-owned: it lives until
/// its module is disposed. Construct from any tensor; the parameter becomes a detached leaf that shares
/// the tensor's storage, and the source tensor may then be disposed freely.
/// </summary>
public sealed class Parameter : Tensor
{
    public Parameter(Tensor data, bool requiresGrad = true) : base(Detached(data), scoped: false)
    {
        if (requiresGrad) RequiresGrad = true;
    }

    private static TensorHandle Detached(Tensor data)
    {
        var handle = NativeMethods.gd_tensor_detach(data.Handle);
        GC.KeepAlive(data);
        if (handle == IntPtr.Zero) throw TorchException.FromLastError();
        return new TensorHandle(handle);
    }
}
