// Tensor lifetime, metadata, creation from/to host memory, factories, conversions.
#include "common.h"
#include <cstring>

GD_EXPORT void gd_tensor_free(TH t) { delete t; }

GD_EXPORT int32_t gd_tensor_dim(TH t) { return gd::guard<int32_t>(-1, [&] { return static_cast<int32_t>(t->dim()); }); }

// Writes up to `capacity` sizes and returns the rank, so one call usually suffices.
GD_EXPORT int32_t gd_tensor_shape(TH t, int64_t* out, int32_t capacity) {
  return gd::guard<int32_t>(-1, [&] {
    auto sizes = t->sizes();
    for (size_t i = 0; i < sizes.size() && static_cast<int32_t>(i) < capacity; ++i) out[i] = sizes[i];
    return static_cast<int32_t>(sizes.size());
  });
}

GD_EXPORT int64_t gd_tensor_numel(TH t) { return gd::guard<int64_t>(-1, [&] { return t->numel(); }); }
GD_EXPORT int32_t gd_tensor_dtype(TH t) { return gd::guard<int32_t>(-1, [&] { return static_cast<int32_t>(t->scalar_type()); }); }
GD_EXPORT int32_t gd_tensor_device(TH t, int32_t* index) {
  return gd::guard<int32_t>(-1, [&] {
    *index = t->device().index();
    return static_cast<int32_t>(t->device().type());
  });
}
// Where the data lies and how often it was changed in place (-1 for an inference tensor, which has no counter):
// together they tell whether a value derived from the tensor is still current.
GD_EXPORT int32_t gd_tensor_identity(TH t, int64_t* data, int64_t* version) {
  GD_STATUS({
    *data = reinterpret_cast<int64_t>(t->data_ptr());
    *version = t->is_inference() ? -1 : static_cast<int64_t>(t->unsafeGetTensorImpl()->version_counter().current_version());
  });
}
GD_EXPORT int32_t gd_tensor_is_contiguous(TH t) { return gd::guard<int32_t>(-1, [&] { return t->is_contiguous() ? 1 : 0; }); }
GD_EXPORT int32_t gd_tensor_stride(TH t, int64_t* out, int32_t capacity) {
  return gd::guard<int32_t>(-1, [&] {
    auto strides = t->strides();
    for (size_t i = 0; i < strides.size() && static_cast<int32_t>(i) < capacity; ++i) out[i] = strides[i];
    return static_cast<int32_t>(strides.size());
  });
}

// Copies `nbytes` of host memory into a new CPU tensor (the managed buffer may move afterwards).
GD_EXPORT TH gd_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype) {
  GD_TENSOR(([&] {
    auto t = at::empty(gd::dims(shape, ndim), at::TensorOptions().dtype(gd::dtype(dtype)));
    TORCH_CHECK(static_cast<int64_t>(t.nbytes()) == nbytes, "data has ", nbytes, " bytes but shape ", t.sizes(), " of ",
                t.scalar_type(), " needs ", t.nbytes());
    if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
    return t;
  }()));
}

// Copies the elements (row-major, on the CPU) into host memory of exactly `nbytes`.
GD_EXPORT int32_t gd_tensor_copy_to(TH t, void* data, int64_t nbytes) {
  GD_STATUS({
    auto c = t->detach().to(at::kCPU).contiguous();
    TORCH_CHECK(static_cast<int64_t>(c.nbytes()) == nbytes, "destination has ", nbytes, " bytes but the tensor has ", c.nbytes());
    if (nbytes > 0) std::memcpy(data, c.data_ptr(), static_cast<size_t>(nbytes));
  });
}

// --- factories ------------------------------------------------------------------------------------
// kind: 0 empty, 1 zeros, 2 ones, 3 rand (U[0,1)), 4 randn (N(0,1))
GD_EXPORT TH gd_tensor_new(int32_t kind, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(([&] {
    auto size = gd::dims(shape, ndim);
    auto o = gd::options(dtype, dev, devi);
    switch (kind) {
      case 0: return at::empty(size, o);
      case 1: return at::zeros(size, o);
      case 2: return at::ones(size, o);
      case 3: return at::rand(size, o);
      case 4: return at::randn(size, o);
      default: TORCH_CHECK(false, "unknown factory kind ", kind);
    }
  }()));
}

GD_EXPORT TH gd_tensor_full(const int64_t* shape, int32_t ndim, gd_scalar value, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(at::full(gd::dims(shape, ndim), gd::scalar(value), gd::options(dtype, dev, devi)));
}

GD_EXPORT TH gd_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(at::randint(low, high, gd::dims(shape, ndim), gd::options(dtype, dev, devi)));
}

GD_EXPORT TH gd_tensor_arange(gd_scalar start, gd_scalar end, gd_scalar step, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(at::arange(gd::scalar(start), gd::scalar(end), gd::scalar(step), gd::options(dtype, dev, devi)));
}

GD_EXPORT TH gd_tensor_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(at::linspace(start, end, steps, gd::options(dtype, dev, devi)));
}

GD_EXPORT TH gd_tensor_eye(int64_t n, int64_t m, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(at::eye(n, m, gd::options(dtype, dev, devi)));
}

GD_EXPORT TH gd_tensor_randperm(int64_t n, int32_t dtype, int32_t dev, int32_t devi) {
  GD_TENSOR(at::randperm(n, gd::options(dtype, dev, devi)));
}

// kind: 0 zeros_like, 1 ones_like, 2 empty_like, 3 rand_like, 4 randn_like
GD_EXPORT TH gd_tensor_like(TH t, int32_t kind) {
  GD_TENSOR(([&] {
    switch (kind) {
      case 0: return at::zeros_like(*t);
      case 1: return at::ones_like(*t);
      case 2: return at::empty_like(*t);
      case 3: return at::rand_like(*t);
      case 4: return at::randn_like(*t);
      default: TORCH_CHECK(false, "unknown like-kind ", kind);
    }
  }()));
}

// --- conversions ----------------------------------------------------------------------------------
GD_EXPORT TH gd_tensor_to_dtype(TH t, int32_t dtype) { GD_TENSOR(t->to(gd::dtype(dtype))); }
GD_EXPORT TH gd_tensor_to_device(TH t, int32_t dev, int32_t devi, int32_t non_blocking) {
  GD_TENSOR(t->to(gd::device(dev, devi), non_blocking != 0));
}
GD_EXPORT TH gd_tensor_clone(TH t) { GD_TENSOR(t->clone()); }
GD_EXPORT TH gd_tensor_detach(TH t) { GD_TENSOR(t->detach()); }
GD_EXPORT TH gd_tensor_contiguous(TH t) { GD_TENSOR(t->contiguous()); }
GD_EXPORT TH gd_tensor_alias(TH t) { GD_TENSOR(*t); }

// Makes the handle refer to another tensor (used to move module parameters/buffers in place).
GD_EXPORT int32_t gd_tensor_assign(TH dst, TH src) { GD_STATUS(*dst = *src); }

// --- in-place fills (init functions are composed from these) --------------------------------------
GD_EXPORT int32_t gd_tensor_copy_(TH dst, TH src) { GD_STATUS(c10::NoGradGuard g; dst->copy_(*src)); }
GD_EXPORT int32_t gd_tensor_fill_(TH t, gd_scalar v) { GD_STATUS(t->fill_(gd::scalar(v))); }
GD_EXPORT int32_t gd_tensor_zero_(TH t) { GD_STATUS(t->zero_()); }
GD_EXPORT int32_t gd_tensor_uniform_(TH t, double from, double to) { GD_STATUS(t->uniform_(from, to)); }
GD_EXPORT int32_t gd_tensor_normal_(TH t, double mean, double std) { GD_STATUS(t->normal_(mean, std)); }
GD_EXPORT int32_t gd_tensor_bernoulli_(TH t, double p) { GD_STATUS(t->bernoulli_(p)); }

// Truncated normal by inverse CDF, the way torch.nn.init.trunc_normal_ does it (under no_grad).
GD_EXPORT int32_t gd_tensor_trunc_normal_(TH t, double mean, double std, double a, double b) {
  GD_STATUS({
    c10::NoGradGuard g;
    auto cdf = [](double x) { return (1.0 + std::erf(x / std::sqrt(2.0))) / 2.0; };
    double l = cdf((a - mean) / std), u = cdf((b - mean) / std);
    t->uniform_(2 * l - 1, 2 * u - 1);
    t->erfinv_();
    t->mul_(std * std::sqrt(2.0));
    t->add_(mean);
    t->clamp_(a, b);
  });
}

// Memory formats use c10::MemoryFormat codes (0 contiguous, 2 channels-last).
GD_EXPORT TH gd_tensor_contiguous_format(TH t, int32_t format) {
  GD_TENSOR(t->contiguous(static_cast<at::MemoryFormat>(format)));
}
GD_EXPORT int32_t gd_tensor_is_contiguous_format(TH t, int32_t format) {
  return gd::guard<int32_t>(-1, [&] { return t->is_contiguous(static_cast<at::MemoryFormat>(format)) ? 1 : 0; });
}

// Size of one dimension (negative counts from the end); -1 with an error when out of range.
GD_EXPORT int64_t gd_tensor_size(TH t, int64_t dim) { return gd::guard<int64_t>(-1, [&] { return t->size(dim); }); }
