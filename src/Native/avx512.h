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
