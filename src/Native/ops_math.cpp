// Elementwise math, comparisons, reductions and matrix products.
// Families share one export with an op code (codes mirror the C# enums in NativeOps.cs).
#include "common.h"
#include "gelu_onednn.h"

namespace {

at::Tensor unary(const at::Tensor& x, int32_t op) {
  switch (op) {
    case 0: return at::neg(x);
    case 1: return at::abs(x);
    case 2: return at::exp(x);
    case 3: return at::log(x);
    case 4: return at::sqrt(x);
    case 5: return at::rsqrt(x);
    case 6: return at::sin(x);
    case 7: return at::cos(x);
    case 8: return at::tanh(x);
    case 9: return at::sigmoid(x);
    case 10: return at::relu(x);
    case 11: return at::gelu(x, "none");
    case 12: return at::gelu(x, "tanh");
    case 13: return at::silu(x);
    case 14: return at::floor(x);
    case 15: return at::ceil(x);
    case 16: return at::round(x);
    case 17: return at::sign(x);
    case 18: return at::erf(x);
    case 19: return at::logical_not(x);
    case 20: return at::reciprocal(x);
    case 21: return at::square(x);
    case 22: return at::log1p(x);
    case 23: return at::expm1(x);
    case 24: return at::isnan(x);
    case 25: return at::isinf(x);
    case 26: return at::trunc(x);
    case 27: return at::log2(x);
    case 28: return at::bitwise_not(x);
    default: TORCH_CHECK(false, "unknown unary op ", op);
  }
}

at::Tensor& unary_(at::Tensor& x, int32_t op) {
  switch (op) {
    case 0: return x.neg_();
    case 1: return x.abs_();
    case 2: return x.exp_();
    case 3: return x.log_();
    case 4: return x.sqrt_();
    case 5: return x.rsqrt_();
    case 8: return x.tanh_();
    case 9: return x.sigmoid_();
    case 10: return x.relu_();
    case 11:
      if (!gd::onednn_gelu_applies(x)) return at::gelu_(x, "none");
      gd::onednn_gelu_(x);
      return x;
    case 13: return at::silu_(x);
    case 14: return x.floor_();
    case 15: return x.ceil_();
    case 16: return x.round_();
    case 18: return x.erf_();
    case 20: return x.reciprocal_();
    case 21: return x.square_();
    default: TORCH_CHECK(false, "unary op ", op, " has no in-place form");
  }
}

at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int32_t op) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::maximum(a, b);
    case 6: return at::minimum(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 13: return at::logical_and(a, b);
    case 14: return at::logical_or(a, b);
    case 15: return at::remainder(a, b);
    case 16: return at::floor_divide(a, b);
    case 17: return at::atan2(a, b);
    case 18: return at::logical_xor(a, b);
    case 19: return at::bitwise_and(a, b);
    case 20: return at::bitwise_or(a, b);
    default: TORCH_CHECK(false, "unknown binary op ", op);
  }
}

at::Tensor binary(const at::Tensor& a, const at::Scalar& b, int32_t op) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::clamp_min(a, b);
    case 6: return at::clamp_max(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 15: return at::remainder(a, b);
    case 16: return at::floor_divide(a, b);
    case 21: return at::rsub(a, b);                      // b - a
    case 22: return at::mul(at::reciprocal(a), b);       // b / a
    case 23: return at::pow(b, a);                       // b ** a
    default: TORCH_CHECK(false, "unknown binary-scalar op ", op);
  }
}

at::Tensor& binary_(at::Tensor& a, const at::Tensor& b, int32_t op) {
  switch (op) {
    case 0: return a.add_(b);
    case 1: return a.sub_(b);
    case 2: return a.mul_(b);
    case 3: return a.div_(b);
    case 4: return a.pow_(b);
    case 5: return at::maximum_out(a, a, b);
    case 6: return at::minimum_out(a, a, b);
    default: TORCH_CHECK(false, "binary op ", op, " has no in-place form");
  }
}

at::Tensor& binary_(at::Tensor& a, const at::Scalar& b, int32_t op) {
  switch (op) {
    case 0: return a.add_(b);
    case 1: return a.sub_(b);
    case 2: return a.mul_(b);
    case 3: return a.div_(b);
    case 4: return a.pow_(b);
    case 5: return a.clamp_min_(b);
    case 6: return a.clamp_max_(b);
    default: TORCH_CHECK(false, "binary-scalar op ", op, " has no in-place form");
  }
}

}  // namespace

GD_EXPORT TH gd_unary(TH x, int32_t op) { GD_TENSOR(unary(*x, op)); }
GD_EXPORT int32_t gd_unary_(TH x, int32_t op) { GD_STATUS(unary_(*x, op)); }
GD_EXPORT TH gd_binary(TH a, TH b, int32_t op) { GD_TENSOR(binary(*a, *b, op)); }
GD_EXPORT TH gd_binary_scalar(TH a, gd_scalar b, int32_t op) { GD_TENSOR(binary(*a, gd::scalar(b), op)); }
GD_EXPORT int32_t gd_binary_(TH a, TH b, int32_t op) { GD_STATUS(binary_(*a, *b, op)); }
GD_EXPORT int32_t gd_binary_scalar_(TH a, gd_scalar b, int32_t op) { GD_STATUS(binary_(*a, gd::scalar(b), op)); }

// a + alpha * b, the fused form optimizers and residuals use.
GD_EXPORT TH gd_add_scaled(TH a, TH b, gd_scalar alpha) { GD_TENSOR(at::add(*a, *b, gd::scalar(alpha))); }
GD_EXPORT int32_t gd_add_scaled_(TH a, TH b, gd_scalar alpha) { GD_STATUS(a->add_(*b, gd::scalar(alpha))); }

GD_EXPORT TH gd_clamp(TH x, double min, double max, int32_t has_min, int32_t has_max) {
  GD_TENSOR(at::clamp(*x, has_min ? c10::optional<at::Scalar>(min) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(max) : c10::nullopt));
}
GD_EXPORT int32_t gd_clamp_(TH x, double min, double max, int32_t has_min, int32_t has_max) {
  GD_STATUS(x->clamp_(has_min ? c10::optional<at::Scalar>(min) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(max) : c10::nullopt));
}

GD_EXPORT TH gd_where(TH cond, TH a, TH b) { GD_TENSOR(at::where(*cond, *a, *b)); }
GD_EXPORT TH gd_where_scalar(TH cond, TH a, gd_scalar b) { GD_TENSOR(at::where(*cond, *a, gd::scalar(b))); }
GD_EXPORT TH gd_lerp(TH a, TH b, double w) { GD_TENSOR(at::lerp(*a, *b, w)); }
GD_EXPORT TH gd_allclose(TH a, TH b, double rtol, double atol) {
  GD_TENSOR(at::scalar_tensor(at::allclose(*a, *b, rtol, atol), at::kBool));
}

// --- reductions: ndims < 0 reduces over everything ------------------------------------------------
// op: 0 sum, 1 mean, 2 prod, 3 amax, 4 amin, 5 std, 6 var, 7 all, 8 any, 9 logsumexp, 10 norm2
GD_EXPORT TH gd_reduce(TH x, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim, int32_t unbiased) {
  GD_TENSOR(([&]() -> at::Tensor {
    bool all = ndims < 0;
    bool keep = keepdim != 0;
    at::IntArrayRef d = all ? at::IntArrayRef() : gd::dims(dims, ndims);
    switch (op) {
      case 0: return all ? at::sum(*x) : at::sum(*x, d, keep);
      case 1: return all ? at::mean(*x) : at::mean(*x, d, keep);
      case 2:
        if (all) return at::prod(*x);
        TORCH_CHECK(ndims == 1, "prod reduces one dim at a time");
        return at::prod(*x, d[0], keep);
      case 3: return all ? at::max(*x) : at::amax(*x, d, keep);
      case 4: return all ? at::min(*x) : at::amin(*x, d, keep);
      case 5: return all ? at::std(*x, unbiased != 0) : at::std(*x, d, unbiased != 0, keep);
      case 6: return all ? at::var(*x, unbiased != 0) : at::var(*x, d, unbiased != 0, keep);
      case 7:
        if (all) return at::all(*x);
        TORCH_CHECK(ndims == 1, "all reduces one dim at a time");
        return at::all(*x, d[0], keep);
      case 8:
        if (all) return at::any(*x);
        TORCH_CHECK(ndims == 1, "any reduces one dim at a time");
        return at::any(*x, d[0], keep);
      case 9: return at::logsumexp(*x, all ? at::IntArrayRef() : d, keep);
      case 10: return all ? at::linalg_vector_norm(*x, 2) : at::linalg_vector_norm(*x, 2, d, keep);
      default: TORCH_CHECK(false, "unknown reduction ", op);
    }
  }()));
}

GD_EXPORT TH gd_sum_dtype(TH x, int32_t dtype) { GD_TENSOR(at::sum(*x, gd::dtype(dtype))); }

GD_EXPORT TH gd_norm(TH x, double ord, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  GD_TENSOR(ndims < 0 ? at::linalg_vector_norm(*x, ord) : at::linalg_vector_norm(*x, ord, gd::dims(dims, ndims), keepdim != 0));
}

// dim == INT64_MIN: over the flattened tensor.
GD_EXPORT TH gd_argmax(TH x, int64_t dim, int32_t keepdim) {
  GD_TENSOR(dim == INT64_MIN ? at::argmax(*x) : at::argmax(*x, dim, keepdim != 0));
}
GD_EXPORT TH gd_argmin(TH x, int64_t dim, int32_t keepdim) {
  GD_TENSOR(dim == INT64_MIN ? at::argmin(*x) : at::argmin(*x, dim, keepdim != 0));
}

// max/min along a dim: values and indices into caller-provided slots. is_max 1 = max, 0 = min.
GD_EXPORT int32_t gd_minmax_dim(TH x, int64_t dim, int32_t keepdim, int32_t is_max, TH* values, TH* indices) {
  GD_STATUS({
    auto r = is_max ? at::max(*x, dim, keepdim != 0) : at::min(*x, dim, keepdim != 0);
    *values = gd::wrap(std::get<0>(r));
    *indices = gd::wrap(std::get<1>(r));
  });
}

GD_EXPORT TH gd_cumsum(TH x, int64_t dim) { GD_TENSOR(at::cumsum(*x, dim)); }

// --- products -------------------------------------------------------------------------------------
GD_EXPORT TH gd_matmul(TH a, TH b) { GD_TENSOR(at::matmul(*a, *b)); }
GD_EXPORT TH gd_bmm(TH a, TH b) { GD_TENSOR(at::bmm(*a, *b)); }
GD_EXPORT TH gd_baddbmm(TH c, TH a, TH b, double beta, double alpha) { GD_TENSOR(at::baddbmm(*c, *a, *b, beta, alpha)); }
GD_EXPORT TH gd_addmm(TH c, TH a, TH b, double beta, double alpha) { GD_TENSOR(at::addmm(*c, *a, *b, beta, alpha)); }
GD_EXPORT TH gd_einsum(const char* equation, const TH* operands, int32_t n) {
  GD_TENSOR(([&] {
    std::vector<at::Tensor> ts;
    for (int32_t i = 0; i < n; ++i) ts.push_back(*operands[i]);
    return at::einsum(equation, ts);
  }()));
}
