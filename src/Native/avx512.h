// What the shim's hand-written AVX-512 kernels (quantize_int8.cpp, softmax_rows.cpp, layer_norm_rows.cpp) share: the
// target attribute of their functions, the warnings GCC 12 raises on their intrinsics, the CPU check that guards every
// call, vector loads and stores of fp32 and bf16 rows, and exp.
#pragma once

#include <c10/util/BFloat16.h>

#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>

#define GD_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))
// Around the kernels: GCC 12 warns about the undefined-by-design vectors inside the masked-load intrinsics, and
// about AVX-512 values passed between functions (only ever between these AVX-512 functions).
#define GD_AVX512_BEGIN                                           \
  _Pragma("GCC diagnostic push")                                  \
  _Pragma("GCC diagnostic ignored \"-Wuninitialized\"")           \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")     \
  _Pragma("GCC diagnostic ignored \"-Wpsabi\"")
#define GD_AVX512_END _Pragma("GCC diagnostic pop")

namespace gd {
GD_AVX512_BEGIN

// The first n (<= 16) lanes.
GD_AVX512 inline __mmask16 lanes(int64_t n) { return static_cast<__mmask16>(n >= 16 ? 0xffff : (1u << n) - 1); }

// 16 values (n of them when n < 16) as fp32, the others zero (or `fill`). Loads and stores are masked only for a
// row's last, partial vector: masked memory operations are slow on AMD cores.
GD_AVX512 inline __m512 load16(const float* p, int64_t n) { return n >= 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(lanes(n), p); }
GD_AVX512 inline __m512 load16(const float* p, int64_t n, __m512 fill) {
  return n >= 16 ? _mm512_loadu_ps(p) : _mm512_mask_loadu_ps(fill, lanes(n), p);
}
GD_AVX512 inline __m512 load16(const c10::BFloat16* p, int64_t n) {
  auto halves = n >= 16 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)) : _mm256_maskz_loadu_epi16(lanes(n), p);
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16));  // bf16: an fp32's top half
}

// 16 fp32 values to bf16, rounded to nearest even (any AVX-512 BW CPU, not only those with AVX512-BF16).
GD_AVX512 inline __m256i to_bf16(__m512 v) {
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7fff)));
  return _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16));
}

// The first n (<= 16) of 16 values, stored as fp32 or bf16.
GD_AVX512 inline void store16(float* p, __m512 v, int64_t n) {
  if (n >= 16) _mm512_storeu_ps(p, v);
  else _mm512_mask_storeu_ps(p, lanes(n), v);
}
GD_AVX512 inline void store16(c10::BFloat16* p, __m512 v, int64_t n) {
  if (n >= 16) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), to_bf16(v));
  else _mm256_mask_storeu_epi16(p, lanes(n), to_bf16(v));
}

// exp(x) for x <= 0 (a softmax's scores minus their row's max, a GELU's -2|u|): 2^(x·log2 e) as 2^i · 2^f with f
// in [-0.5, 0.5], 2^f by a degree-6 polynomial (relative error ~2e-7 on that interval, below fp32's own rounding of
// the result). Arguments below -126 / log2 e give ~1e-38 rather than 0, which changes no sum that matters.
GD_AVX512 inline __m512 exp_nonpositive(__m512 x) {
  const __m512 t = _mm512_max_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _mm512_set1_ps(-126.0f));
  const __m512 i = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 f = _mm512_sub_ps(t, i);
  __m512 p = _mm512_set1_ps(1.5403530393381606e-4f);  // Taylor coefficients of 2^f = e^(f ln 2)
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.3333558146428443e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.6181291076284772e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.5504108664821580e-2f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(2.4022650695910071e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(6.9314718055994531e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, i);
}

GD_AVX512_END
}  // namespace gd
#endif

namespace gd {

// True when this CPU runs the GD_AVX512 kernels (AVX-512 F, BW and VL).
inline bool cpu_has_avx512bw() {
#if defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return has;
#else
  return false;
#endif
}

}  // namespace gd
