using GeoDense.Torch.Native;

namespace GeoDense.Torch.NN;

/// <summary>torch.nn.utils.</summary>
public static class Utils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their joint
    /// <paramref name="normType"/>-norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.
    /// </summary>
    public static unsafe double ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0)
    {
        var list = parameters as IReadOnlyList<Tensor> ?? parameters.ToList();
        var handles = new IntPtr[list.Count];
        fixed (IntPtr* h = handles)
        {
            Tensor.Pin(list, h);
            TorchException.Check(NativeMethods.gd_clip_grad_norm(h, list.Count, maxNorm, normType, out var total));
            GC.KeepAlive(list);
            return total;
        }
    }
}
