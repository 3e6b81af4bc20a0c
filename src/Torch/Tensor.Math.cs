using GeoDense.Torch.Native;

namespace GeoDense.Torch;

// Elementwise math, comparisons, reductions and matrix products.
public partial class Tensor
{
    private Tensor Unary(UnaryOp op) => Wrap(NativeMethods.gd_unary(Handle, op), this);
    private Tensor Unary_(UnaryOp op) { TorchException.Check(NativeMethods.gd_unary_(Handle, op), this); return this; }
    private Tensor Binary(Tensor other, BinaryOp op) => Wrap(NativeMethods.gd_binary(Handle, other.Handle, op), this, other);
    private Tensor Binary(Scalar other, BinaryOp op) => Wrap(NativeMethods.gd_binary_scalar(Handle, other.ToNative(), op), this);
    private Tensor Binary_(Tensor other, BinaryOp op) { TorchException.Check(NativeMethods.gd_binary_(Handle, other.Handle, op), this, other); return this; }
    private Tensor Binary_(Scalar other, BinaryOp op) { TorchException.Check(NativeMethods.gd_binary_scalar_(Handle, other.ToNative(), op), this); return this; }

    // ---- arithmetic ------------------------------------------------------------------------------------
    public Tensor Add(Tensor other) => Binary(other, BinaryOp.Add);
    public Tensor Add(Scalar other) => Binary(other, BinaryOp.Add);
    /// <summary>this + alpha * other.</summary>
    public Tensor Add(Tensor other, Scalar alpha) => Wrap(NativeMethods.gd_add_scaled(Handle, other.Handle, alpha.ToNative()), this, other);
    public Tensor Sub(Tensor other) => Binary(other, BinaryOp.Sub);
    public Tensor Sub(Scalar other) => Binary(other, BinaryOp.Sub);
    public Tensor Mul(Tensor other) => Binary(other, BinaryOp.Mul);
    public Tensor Mul(Scalar other) => Binary(other, BinaryOp.Mul);
    public Tensor Div(Tensor other) => Binary(other, BinaryOp.Div);
    public Tensor Div(Scalar other) => Binary(other, BinaryOp.Div);
    public Tensor Pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);
    public Tensor Pow(Scalar exponent) => Binary(exponent, BinaryOp.Pow);
    public Tensor Remainder(Tensor other) => Binary(other, BinaryOp.Remainder);
    public Tensor Remainder(Scalar other) => Binary(other, BinaryOp.Remainder);
    public Tensor FloorDivide(Tensor other) => Binary(other, BinaryOp.FloorDivide);
    public Tensor FloorDivide(Scalar other) => Binary(other, BinaryOp.FloorDivide);
    public Tensor Maximum(Tensor other) => Binary(other, BinaryOp.Maximum);
    public Tensor Minimum(Tensor other) => Binary(other, BinaryOp.Minimum);
    public Tensor Atan2(Tensor other) => Binary(other, BinaryOp.Atan2);
    /// <summary>this + weight * (end - this).</summary>
    public Tensor Lerp(Tensor end, double weight) => Wrap(NativeMethods.gd_lerp(Handle, end.Handle, weight), this, end);

    public Tensor Add_(Tensor other) => Binary_(other, BinaryOp.Add);
    public Tensor Add_(Scalar other) => Binary_(other, BinaryOp.Add);
    public Tensor Add_(Tensor other, Scalar alpha) { TorchException.Check(NativeMethods.gd_add_scaled_(Handle, other.Handle, alpha.ToNative()), this, other); return this; }
    public Tensor Sub_(Tensor other) => Binary_(other, BinaryOp.Sub);
    public Tensor Sub_(Scalar other) => Binary_(other, BinaryOp.Sub);
    public Tensor Mul_(Tensor other) => Binary_(other, BinaryOp.Mul);
    public Tensor Mul_(Scalar other) => Binary_(other, BinaryOp.Mul);
    public Tensor Div_(Tensor other) => Binary_(other, BinaryOp.Div);
    public Tensor Div_(Scalar other) => Binary_(other, BinaryOp.Div);
    public Tensor Pow_(Scalar exponent) => Binary_(exponent, BinaryOp.Pow);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, Scalar b) => a.Add(b);
    public static Tensor operator +(Scalar a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, Scalar b) => a.Sub(b);
    public static Tensor operator -(Scalar a, Tensor b) => b.Binary(a, BinaryOp.ReverseSub);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, Scalar b) => a.Mul(b);
    public static Tensor operator *(Scalar a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, Scalar b) => a.Div(b);
    public static Tensor operator /(Scalar a, Tensor b) => b.Binary(a, BinaryOp.ReverseDiv);
    public static Tensor operator %(Tensor a, Tensor b) => a.Remainder(b);
    public static Tensor operator %(Tensor a, Scalar b) => a.Remainder(b);
    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- unary -----------------------------------------------------------------------------------------
    public Tensor Neg() => Unary(UnaryOp.Neg);
    public Tensor Abs() => Unary(UnaryOp.Abs);
    public Tensor Exp() => Unary(UnaryOp.Exp);
    public Tensor Log() => Unary(UnaryOp.Log);
    public Tensor Log2() => Unary(UnaryOp.Log2);
    public Tensor Log1p() => Unary(UnaryOp.Log1p);
    public Tensor Expm1() => Unary(UnaryOp.Expm1);
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor Square() => Unary(UnaryOp.Square);
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor Sin() => Unary(UnaryOp.Sin);
    public Tensor Cos() => Unary(UnaryOp.Cos);
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor Relu() => Unary(UnaryOp.Relu);
    public Tensor Gelu(bool tanhApproximation = false) => Unary(tanhApproximation ? UnaryOp.GeluTanh : UnaryOp.Gelu);
    public Tensor Silu() => Unary(UnaryOp.Silu);
    public Tensor Softmax(long dim) => Wrap(NativeMethods.gd_softmax(Handle, dim), this);
    public Tensor LogSoftmax(long dim) => Wrap(NativeMethods.gd_log_softmax(Handle, dim), this);
    public Tensor Erf() => Unary(UnaryOp.Erf);
    public Tensor Floor() => Unary(UnaryOp.Floor);
    public Tensor Ceil() => Unary(UnaryOp.Ceil);
    public Tensor Round() => Unary(UnaryOp.Round);
    public Tensor Trunc() => Unary(UnaryOp.Trunc);
    public Tensor Sign() => Unary(UnaryOp.Sign);
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);
    public Tensor BitwiseNot() => Unary(UnaryOp.BitwiseNot);
    public Tensor IsNan() => Unary(UnaryOp.IsNan);
    public Tensor IsInf() => Unary(UnaryOp.IsInf);

    public Tensor Neg_() => Unary_(UnaryOp.Neg);
    public Tensor Abs_() => Unary_(UnaryOp.Abs);
    public Tensor Exp_() => Unary_(UnaryOp.Exp);
    public Tensor Log_() => Unary_(UnaryOp.Log);
    public Tensor Sqrt_() => Unary_(UnaryOp.Sqrt);
    public Tensor Sigmoid_() => Unary_(UnaryOp.Sigmoid);
    public Tensor Tanh_() => Unary_(UnaryOp.Tanh);
    public Tensor Relu_() => Unary_(UnaryOp.Relu);
    public Tensor Gelu_() => Unary_(UnaryOp.Gelu);
    public Tensor Silu_() => Unary_(UnaryOp.Silu);
    public Tensor Floor_() => Unary_(UnaryOp.Floor);
    public Tensor Round_() => Unary_(UnaryOp.Round);
    public Tensor Reciprocal_() => Unary_(UnaryOp.Reciprocal);

    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(NativeMethods.gd_clamp(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0), this);
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        TorchException.Check(NativeMethods.gd_clamp_(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0), this);
        return this;
    }
    public Tensor ClampMin(double min) => Clamp(min, null);
    public Tensor ClampMax(double max) => Clamp(null, max);

    // ---- comparisons (bool results) --------------------------------------------------------------------
    public Tensor Eq(Tensor other) => Binary(other, BinaryOp.Eq);
    public Tensor Eq(Scalar other) => Binary(other, BinaryOp.Eq);
    public Tensor Ne(Tensor other) => Binary(other, BinaryOp.Ne);
    public Tensor Ne(Scalar other) => Binary(other, BinaryOp.Ne);
    public Tensor Lt(Tensor other) => Binary(other, BinaryOp.Lt);
    public Tensor Lt(Scalar other) => Binary(other, BinaryOp.Lt);
    public Tensor Le(Tensor other) => Binary(other, BinaryOp.Le);
    public Tensor Le(Scalar other) => Binary(other, BinaryOp.Le);
    public Tensor Gt(Tensor other) => Binary(other, BinaryOp.Gt);
    public Tensor Gt(Scalar other) => Binary(other, BinaryOp.Gt);
    public Tensor Ge(Tensor other) => Binary(other, BinaryOp.Ge);
    public Tensor Ge(Scalar other) => Binary(other, BinaryOp.Ge);
    public Tensor LogicalAnd(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
    public Tensor LogicalOr(Tensor other) => Binary(other, BinaryOp.LogicalOr);
    public Tensor LogicalXor(Tensor other) => Binary(other, BinaryOp.LogicalXor);
    public Tensor BitwiseAnd(Tensor other) => Binary(other, BinaryOp.BitwiseAnd);
    public Tensor BitwiseOr(Tensor other) => Binary(other, BinaryOp.BitwiseOr);

    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor operator <(Tensor a, Scalar b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Scalar b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Scalar b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Scalar b) => a.Ge(b);
    public static Tensor operator &(Tensor a, Tensor b) => a.BitwiseAnd(b);
    public static Tensor operator |(Tensor a, Tensor b) => a.BitwiseOr(b);
    public static Tensor operator !(Tensor a) => a.LogicalNot();

    /// <summary>True when both have the same shape and all elements are within atol + rtol * |other|.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        using var result = Wrap(NativeMethods.gd_allclose(Handle, other.Handle, rtol, atol), this, other);
        return result.Item<bool>();
    }

    // ---- reductions ------------------------------------------------------------------------------------
    private unsafe Tensor Reduce(ReduceOp op, long[]? dims, bool keepDim, bool unbiased = true)
    {
        fixed (long* d = dims)
            return Wrap(NativeMethods.gd_reduce(Handle, op, d, dims?.Length ?? -1, keepDim ? 1 : 0, unbiased ? 1 : 0), this);
    }

    public Tensor Sum() => Reduce(ReduceOp.Sum, null, false);
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(ReduceOp.Sum, [dim], keepDim);
    public Tensor Sum(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Sum, dims, keepDim);
    /// <summary>Sum of all elements accumulated in (and returned as) <paramref name="dtype"/>.</summary>
    public Tensor SumAs(ScalarType dtype) => Wrap(NativeMethods.gd_sum_dtype(Handle, (int)dtype), this);
    public Tensor Mean() => Reduce(ReduceOp.Mean, null, false);
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(ReduceOp.Mean, [dim], keepDim);
    public Tensor Mean(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Mean, dims, keepDim);
    public Tensor Prod() => Reduce(ReduceOp.Prod, null, false);
    public Tensor Prod(long dim, bool keepDim = false) => Reduce(ReduceOp.Prod, [dim], keepDim);
    /// <summary>Largest element.</summary>
    public Tensor Max() => Reduce(ReduceOp.Amax, null, false);
    public Tensor Min() => Reduce(ReduceOp.Amin, null, false);
    public Tensor Amax(long dim, bool keepDim = false) => Reduce(ReduceOp.Amax, [dim], keepDim);
    public Tensor Amax(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Amax, dims, keepDim);
    public Tensor Amin(long dim, bool keepDim = false) => Reduce(ReduceOp.Amin, [dim], keepDim);
    public Tensor Amin(long[] dims, bool keepDim = false) => Reduce(ReduceOp.Amin, dims, keepDim);
    public Tensor Std(bool unbiased = true) => Reduce(ReduceOp.Std, null, false, unbiased);
    public Tensor Std(long[] dims, bool unbiased = true, bool keepDim = false) => Reduce(ReduceOp.Std, dims, keepDim, unbiased);
    public Tensor Var(bool unbiased = true) => Reduce(ReduceOp.Var, null, false, unbiased);
    public Tensor Var(long[] dims, bool unbiased = true, bool keepDim = false) => Reduce(ReduceOp.Var, dims, keepDim, unbiased);
    public Tensor All() => Reduce(ReduceOp.All, null, false);
    public Tensor All(long dim, bool keepDim = false) => Reduce(ReduceOp.All, [dim], keepDim);
    public Tensor Any() => Reduce(ReduceOp.Any, null, false);
    public Tensor Any(long dim, bool keepDim = false) => Reduce(ReduceOp.Any, [dim], keepDim);
    public Tensor LogSumExp(long dim, bool keepDim = false) => Reduce(ReduceOp.LogSumExp, [dim], keepDim);

    /// <summary>Vector p-norm over all elements or the given dims.</summary>
    public unsafe Tensor Norm(double p = 2, long[]? dims = null, bool keepDim = false)
    {
        fixed (long* d = dims) return Wrap(NativeMethods.gd_norm(Handle, p, d, dims?.Length ?? -1, keepDim ? 1 : 0), this);
    }

    /// <summary>Index of the largest element; over the flattened tensor when dim is null.</summary>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) => Wrap(NativeMethods.gd_argmax(Handle, dim ?? long.MinValue, keepDim ? 1 : 0), this);
    public Tensor ArgMin(long? dim = null, bool keepDim = false) => Wrap(NativeMethods.gd_argmin(Handle, dim ?? long.MinValue, keepDim ? 1 : 0), this);

    /// <summary>Largest values along dim and their indices (torch.max(x, dim)).</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => MinMax(dim, keepDim, true);
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => MinMax(dim, keepDim, false);

    private (Tensor, Tensor) MinMax(long dim, bool keepDim, bool isMax)
    {
        TorchException.Check(NativeMethods.gd_minmax_dim(Handle, dim, keepDim ? 1 : 0, isMax ? 1 : 0, out var values, out var indices), this);
        return (Wrap(values), Wrap(indices));
    }

    public Tensor CumSum(long dim) => Wrap(NativeMethods.gd_cumsum(Handle, dim), this);

    // ---- products --------------------------------------------------------------------------------------
    public Tensor MatMul(Tensor other) => Wrap(NativeMethods.gd_matmul(Handle, other.Handle), this, other);
    public Tensor Bmm(Tensor other) => Wrap(NativeMethods.gd_bmm(Handle, other.Handle), this, other);

    /// <summary>beta · this + alpha · (a @ b) for 2-D a, b (torch.addmm).</summary>
    public Tensor Addmm(Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        Wrap(NativeMethods.gd_addmm(Handle, a.Handle, b.Handle, beta, alpha), this, a, b);

    /// <summary>beta · this + alpha · (a @ b) for batches of matrices (torch.baddbmm).</summary>
    public Tensor Baddbmm(Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        Wrap(NativeMethods.gd_baddbmm(Handle, a.Handle, b.Handle, beta, alpha), this, a, b);

    /// <summary>torch.einsum, e.g. <c>Tensor.Einsum("bhnd,bhmd->bhnm", q, k)</c>.</summary>
    public static unsafe Tensor Einsum(string equation, params Tensor[] operands)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(equation + "\0");
        var handles = stackalloc IntPtr[operands.Length];
        Pin(operands, handles);
        fixed (byte* e = utf8)
        {
            var result = NativeMethods.gd_einsum(e, handles, operands.Length);
            GC.KeepAlive(operands);
            return Wrap(result);
        }
    }
}
