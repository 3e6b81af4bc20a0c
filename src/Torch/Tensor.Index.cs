using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Gathering, scattering, masking, sorting.
public partial class Tensor
{
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(NativeMethods.gd_index_select(Handle, dim, index.Handle), this, index);
    public Tensor Gather(long dim, Tensor index) => Wrap(NativeMethods.gd_gather(Handle, dim, index.Handle), this, index);
    /// <summary>Out-of-place scatter_add: result[index[i]][j] += src[i][j] along dim.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.gd_scatter_add(Handle, dim, index.Handle, src.Handle), this, index, src);
    public Tensor Scatter(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.gd_scatter(Handle, dim, index.Handle, src.Handle), this, index, src);
    public Tensor MaskedFill(Tensor mask, Scalar value) => Wrap(NativeMethods.gd_masked_fill(Handle, mask.Handle, value.ToNative()), this, mask);
    public Tensor MaskedFill_(Tensor mask, Scalar value) { TorchException.Check(NativeMethods.gd_masked_fill_(Handle, mask.Handle, value.ToNative()), this, mask); return this; }
    /// <summary>1-D tensor of the elements where mask is true.</summary>
    public Tensor MaskedSelect(Tensor mask) => Wrap(NativeMethods.gd_masked_select(Handle, mask.Handle), this, mask);
    /// <summary>Indices of non-zero elements, shape (count, Dim), int64.</summary>
    public Tensor Nonzero() => Wrap(NativeMethods.gd_nonzero(Handle), this);

    /// <summary>x[index] where index is a bool mask or an int64 index tensor over the leading dim(s).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Tensor index] => Wrap(NativeMethods.gd_index(Handle, index.Handle), this, index);
    public Tensor Index(Tensor index) => this[index];

    /// <summary>x[index] = values (or += with accumulate).</summary>
    public Tensor IndexPut_(Tensor index, Tensor values, bool accumulate = false)
    {
        TorchException.Check(NativeMethods.gd_index_put_(Handle, index.Handle, values.Handle, accumulate ? 1 : 0), this, index, values);
        return this;
    }

    public Tensor OneHot(long numClasses = -1) => Wrap(NativeMethods.gd_one_hot(Handle, numClasses), this);

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        TorchException.Check(NativeMethods.gd_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var values, out var indices), this);
        return (Wrap(values), Wrap(indices));
    }

    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false)
    {
        TorchException.Check(NativeMethods.gd_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var values, out var indices), this);
        return (Wrap(values), Wrap(indices));
    }

    public Tensor ArgSort(long dim = -1, bool descending = false) => Wrap(NativeMethods.gd_argsort(Handle, dim, descending ? 1 : 0), this);
    /// <summary>Sorted unique values.</summary>
    public Tensor Unique() => Wrap(NativeMethods.gd_unique(Handle), this);

    /// <summary>torch.where(condition, a, b).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Wrap(NativeMethods.gd_where(condition.Handle, a.Handle, b.Handle), condition, a, b);
    public static Tensor Where(Tensor condition, Tensor a, Scalar b) => Wrap(NativeMethods.gd_where_scalar(condition.Handle, a.Handle, b.ToNative()), condition, a);
}
