#include "layer_norm_rows.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include <cmath>

#include "avx512.h"

namespace gd {

#if defined(__x86_64__)
GD_AVX512_BEGIN
namespace {

// rows [first, last) of x (row stride `stride`, C values each) normalised into y (dense rows).
template <typename T>
GD_AVX512 void normalise_rows(const T* x, int64_t stride, int64_t first, int64_t last, int64_t C, const float* w, const float* b,
                              float eps, T* y) {
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t r = first; r < last; ++r) {
    const T* xr = x + r * stride;
    T* yr = y + r * C;
    __m512 s0 = zero, s1 = zero;  // two sums: one would wait on its own latency
    int64_t k = 0;
    for (; k + 32 <= C; k += 32) {
      s0 = _mm512_add_ps(s0, load16(xr + k, 16));
      s1 = _mm512_add_ps(s1, load16(xr + k + 16, 16));
    }
    for (; k < C; k += 16) s0 = _mm512_add_ps(s0, load16(xr + k, C - k));  // the tail's missing lanes load as 0
    const __m512 mean = _mm512_set1_ps(_mm512_reduce_add_ps(_mm512_add_ps(s0, s1)) / static_cast<float>(C));
    __m512 q0 = zero, q1 = zero;
    for (k = 0; k + 32 <= C; k += 32) {
      const __m512 d0 = _mm512_sub_ps(load16(xr + k, 16), mean), d1 = _mm512_sub_ps(load16(xr + k + 16, 16), mean);
      q0 = _mm512_fmadd_ps(d0, d0, q0);
      q1 = _mm512_fmadd_ps(d1, d1, q1);
    }
    for (; k < C; k += 16) {
      const __m512 d = _mm512_maskz_sub_ps(lanes(C - k), load16(xr + k, C - k), mean);
      q0 = _mm512_fmadd_ps(d, d, q0);
    }
    const float variance = _mm512_reduce_add_ps(_mm512_add_ps(q0, q1)) / static_cast<float>(C);
    const __m512 rstd = _mm512_set1_ps(1.0f / std::sqrt(variance + eps));
    for (k = 0; k < C; k += 16) {
      const __m512 n = _mm512_mul_ps(_mm512_sub_ps(load16(xr + k, C - k), mean), rstd);
      store16(yr + k, _mm512_fmadd_ps(n, load16(w + k, C - k), load16(b + k, C - k)), C - k);
    }
  }
}

}  // namespace
GD_AVX512_END
#endif

bool layer_norm_rows_applies(const at::Tensor& x, at::IntArrayRef normalized_shape, const at::Tensor& weight, const at::Tensor& bias) {
  if (!cpu_has_avx512bw() || !x.device().is_cpu() || x.dim() < 2) return false;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) return false;
  if (normalized_shape.size() != 1 || normalized_shape[0] != x.size(-1) || x.size(-1) == 0) return false;
  for (const auto* t : {&weight, &bias})
    if (!t->defined() || !t->device().is_cpu() || t->scalar_type() != at::kFloat || t->dim() != 1 || t->size(0) != x.size(-1)) return false;
  if (c10::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad() || bias.requires_grad())) return false;
  return true;
}

at::Tensor layer_norm_rows(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  RECORD_FUNCTION("geodense::layer_norm", std::vector<c10::IValue>());  // visible to `model bench --profile`
  TORCH_CHECK(layer_norm_rows_applies(x, {x.size(-1)}, weight, bias), "layer_norm_rows: does not apply to these tensors");
  const auto C = x.size(-1);
  auto rows = x.reshape({-1, C});
  if (rows.stride(1) != 1) rows = rows.contiguous();
  const auto M = rows.size(0);
  auto out = at::empty({M, C}, rows.options());
  auto w = weight.contiguous(), b = bias.contiguous();
#if defined(__x86_64__)
  // ~64 KB of rows per task
  at::parallel_for(0, M, std::max<int64_t>(1, (int64_t{64} << 10) / (C * rows.element_size())), [&](int64_t first, int64_t last) {
    if (rows.scalar_type() == at::kFloat)
      normalise_rows(rows.data_ptr<float>(), rows.stride(0), first, last, C, w.data_ptr<float>(), b.data_ptr<float>(), static_cast<float>(eps),
                     out.data_ptr<float>());
    else
      normalise_rows(rows.data_ptr<at::BFloat16>(), rows.stride(0), first, last, C, w.data_ptr<float>(), b.data_ptr<float>(),
                     static_cast<float>(eps), out.data_ptr<at::BFloat16>());
  });
#endif
  return out.view(x.sizes());
}

}  // namespace gd
