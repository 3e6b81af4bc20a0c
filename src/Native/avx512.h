// What the shim's hand-written AVX-512 kernels (quantize_int8.cpp, softmax_rows.cpp) share: the target attribute
// of their functions, the warnings GCC 12 raises on their intrinsics, and the CPU check that guards every call.
#pragma once

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

// exp(x) for x <= 0 (a softmax's scores minus their row's max, a GELU's -2|u|): 2^(x·log2 e) as 2^i · 2^f with f in [-0.5, 0.5], 2^f by a
// degree-6 polynomial (relative error ~2e-7 on that interval, below fp32's own rounding of the result). Arguments
// below -126 / log2 e give 0, as the exact value rounds there where it matters.
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
