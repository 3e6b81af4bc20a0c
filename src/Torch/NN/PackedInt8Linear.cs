using GeoDense.Torch.Native;

namespace GeoDense.Torch.NN;

/// <summary>A Linear layer's weight quantized to int8 and packed for libtorch's int8 GEMM (fbgemm or oneDNN),
/// with the fp32 bias; inputs are quantized per call from their own range (dynamic quantization).</summary>
internal sealed class PackedInt8Linear : IDisposable
{
    private IntPtr _packed;

    public PackedInt8Linear(Tensor weight, Tensor? bias)
    {
        _packed = NativeMethods.gd_int8_linear_pack(weight.Handle, Tensor.H(bias));
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        if (_packed == IntPtr.Zero) throw TorchException.FromLastError();
    }

    public Tensor Forward(Tensor input)
    {
        ObjectDisposedException.ThrowIf(_packed == IntPtr.Zero, this);
        return Tensor.Wrap(NativeMethods.gd_int8_linear(input.Handle, _packed), input);
    }

    public void Dispose()
    {
        if (_packed == IntPtr.Zero) return;
        NativeMethods.gd_int8_linear_free(_packed);
        _packed = IntPtr.Zero;
    }
}
