using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Autograd: leaves, gradients, backward.
public partial class Tensor
{
    public bool RequiresGrad
    {
        get => Checked(NativeMethods.gd_tensor_requires_grad(Handle), this) != 0;
        set => TorchException.Check(NativeMethods.gd_tensor_set_requires_grad(Handle, value ? 1 : 0), this);
    }

    /// <summary>Sets requires_grad and returns this (x.requires_grad_()).</summary>
    public Tensor RequiresGrad_(bool on = true)
    {
        RequiresGrad = on;
        return this;
    }

    public bool IsLeaf => Checked(NativeMethods.gd_tensor_is_leaf(Handle), this) != 0;

    /// <summary>Keep .grad on a non-leaf after backward.</summary>
    public void RetainGrad() => TorchException.Check(NativeMethods.gd_tensor_retain_grad(Handle), this);

    /// <summary>
    /// The accumulated gradient, or null. Each read returns a new handle to the same gradient
    /// tensor (scope-owned like any result); setting null clears it (p.grad = None).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            TorchException.Check(NativeMethods.gd_tensor_grad(Handle, out var grad), this);
            return grad == IntPtr.Zero ? null : Wrap(grad);
        }
        set => TorchException.Check(NativeMethods.gd_tensor_set_grad(Handle, H(value)), this, value);
    }

    /// <summary>Backpropagates from this tensor (a scalar unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false) =>
        TorchException.Check(NativeMethods.gd_tensor_backward(Handle, H(gradient),
            retainGraph is { } r ? (r ? 1 : 0) : -1, createGraph ? 1 : 0), this, gradient);
}
