using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Gathering, scattering, masking, sorting.
public partial class Tensor
{
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(NativeMethods.gd_index_select(NativeHandle, dim, index.NativeHandle));
    public Tensor Gather(long dim, Tensor index) => Wrap(NativeMethods.gd_gather(NativeHandle, dim, index.NativeHandle));
    /// <summary>Out-of-place scatter_add: result[index[i]][j] += src[i][j] along dim.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.gd_scatter_add(NativeHandle, dim, index.NativeHandle, src.NativeHandle));
    public Tensor Scatter(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.gd_scatter(NativeHandle, dim, index.NativeHandle, src.NativeHandle));
    public Tensor MaskedFill(Tensor mask, Scalar value) => Wrap(NativeMethods.gd_masked_fill(NativeHandle, mask.NativeHandle, value.ToNative()));
    public Tensor MaskedFill_(Tensor mask, Scalar value) { TorchException.Check(NativeMethods.gd_masked_fill_(NativeHandle, mask.NativeHandle, value.ToNative())); return this; }
    /// <summary>1-D tensor of the elements where mask is true.</summary>
    public Tensor MaskedSelect(Tensor mask) => Wrap(NativeMethods.gd_masked_select(NativeHandle, mask.NativeHandle));
    /// <summary>Indices of non-zero elements, shape (count, Dim), int64.</summary>
    public Tensor Nonzero() => Wrap(NativeMethods.gd_nonzero(NativeHandle));

    /// <summary>x[index] where index is a bool mask or an int64 index tensor over the leading dim(s).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Tensor index] => Wrap(NativeMethods.gd_index(NativeHandle, index.NativeHandle));
    public Tensor Index(Tensor index) => this[index];

    /// <summary>x[index] = values (or += with accumulate).</summary>
    public Tensor IndexPut_(Tensor index, Tensor values, bool accumulate = false)
    {
        TorchException.Check(NativeMethods.gd_index_put_(NativeHandle, index.NativeHandle, values.NativeHandle, accumulate ? 1 : 0));
        return this;
    }

    public Tensor OneHot(long numClasses = -1) => Wrap(NativeMethods.gd_one_hot(NativeHandle, numClasses));

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        TorchException.Check(NativeMethods.gd_topk(NativeHandle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var values, out var indices));
        return (Wrap(values), Wrap(indices));
    }

    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false)
    {
        TorchException.Check(NativeMethods.gd_sort(NativeHandle, dim, descending ? 1 : 0, stable ? 1 : 0, out var values, out var indices));
        return (Wrap(values), Wrap(indices));
    }

    public Tensor ArgSort(long dim = -1, bool descending = false) => Wrap(NativeMethods.gd_argsort(NativeHandle, dim, descending ? 1 : 0));
    /// <summary>Sorted unique values.</summary>
    public Tensor Unique() => Wrap(NativeMethods.gd_unique(NativeHandle));

    /// <summary>torch.where(condition, a, b).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Wrap(NativeMethods.gd_where(condition.NativeHandle, a.NativeHandle, b.NativeHandle));
    public static Tensor Where(Tensor condition, Tensor a, Scalar b) => Wrap(NativeMethods.gd_where_scalar(condition.NativeHandle, a.NativeHandle, b.ToNative()));
}
