using GeoDense.Torch.Native;

namespace GeoDense.Torch;

public static partial class Functional
{
    /// <summary>
    /// torchvision.ops.deform_conv2d (deformable convolution v1, no mask), differentiable in input,
    /// offset, weight and bias. <paramref name="offset"/> is [B, 2·deformGroups·kh·kw, Ho, Wo] with (dy, dx) pairs per
    /// kernel tap, taps in row-major order; samples outside the image read zero. The kernel is CPU-only: CUDA tensors are
    /// computed on CPU copies and the result (and gradients) come back on their device (see src/Native/ops_deform_conv.cpp).
    /// </summary>
    public static unsafe Tensor DeformConv2d(Tensor input, Tensor offset, Tensor weight, Tensor? bias = null,
        (long H, long W)? stride = null, (long H, long W)? padding = null, (long H, long W)? dilation = null,
        long groups = 1, long deformGroups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        long* sp = stackalloc long[] { s.H, s.W, p.H, p.W, d.H, d.W };
        return Tensor.Wrap(NativeMethods.gd_deform_conv2d(input.Handle, offset.Handle, weight.Handle, Tensor.H(bias), sp, sp + 2, sp + 4,
            groups, deformGroups), input, offset, weight, bias);
    }
}
