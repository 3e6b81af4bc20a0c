#include "softmax_rows.h"

#include <c10/util/Exception.h>

#include "avx512.h"

namespace gd {

#if defined(__x86_64__)
GD_AVX512_BEGIN
namespace {

// Rows of at most 16 values (the meta tokens' keys): each row one vector, kept in a register throughout.
template <typename T>
GD_AVX512 void softmax_short_rows(const float* scores, int64_t rows, int64_t cols, T* probs) {
  const __m512 lowest = _mm512_set1_ps(-INFINITY);
  const __mmask16 valid = lanes(cols);
  for (int64_t r = 0; r < rows; ++r) {
    const __m512 x = load16(scores + r * cols, cols, lowest);
    const __m512 e = _mm512_maskz_mov_ps(valid, exp_nonpositive(_mm512_sub_ps(x, _mm512_set1_ps(_mm512_reduce_max_ps(x)))));
    store16(probs + r * cols, _mm512_mul_ps(e, _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(e))), cols);
  }
}

template <typename T>
GD_AVX512 void softmax_avx512(float* scores, int64_t rows, int64_t cols, T* probs) {
  if (cols <= 16) return softmax_short_rows(scores, rows, cols, probs);
  const __m512 lowest = _mm512_set1_ps(-INFINITY), zero = _mm512_setzero_ps();
  for (int64_t r = 0; r < rows; ++r) {
    float* x = scores + r * cols;
    T* y = probs + r * cols;
    __m512 m0 = lowest, m1 = lowest;  // two running maxima: one would wait on its own latency
    int64_t k = 0;
    for (; k + 32 <= cols; k += 32) {
      m0 = _mm512_max_ps(m0, _mm512_loadu_ps(x + k));
      m1 = _mm512_max_ps(m1, _mm512_loadu_ps(x + k + 16));
    }
    for (; k < cols; k += 16) m0 = _mm512_max_ps(m0, load16(x + k, cols - k, lowest));
    const __m512 top = _mm512_set1_ps(_mm512_reduce_max_ps(_mm512_max_ps(m0, m1)));
    // four exponentials in flight per step: each is a chain of ~10 dependent instructions
    __m512 s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    for (k = 0; k + 64 <= cols; k += 64) {
      const __m512 e0 = exp_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(x + k), top));
      const __m512 e1 = exp_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(x + k + 16), top));
      const __m512 e2 = exp_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(x + k + 32), top));
      const __m512 e3 = exp_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(x + k + 48), top));
      _mm512_storeu_ps(x + k, e0);
      _mm512_storeu_ps(x + k + 16, e1);
      _mm512_storeu_ps(x + k + 32, e2);
      _mm512_storeu_ps(x + k + 48, e3);
      s0 = _mm512_add_ps(s0, e0);
      s1 = _mm512_add_ps(s1, e1);
      s2 = _mm512_add_ps(s2, e2);
      s3 = _mm512_add_ps(s3, e3);
    }
    for (; k < cols; k += 16) {
      const __m512 e = _mm512_maskz_mov_ps(lanes(cols - k), exp_nonpositive(_mm512_sub_ps(load16(x + k, cols - k, top), top)));
      store16(x + k, e, cols - k);
      s0 = _mm512_add_ps(s0, e);
    }
    const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3))));
    for (k = 0; k < cols; k += 16) store16(y + k, _mm512_mul_ps(load16(x + k, cols - k, zero), inverse), cols - k);
  }
}

}  // namespace
GD_AVX512_END
#endif

bool softmax_rows_available() { return cpu_has_avx512bw(); }

void softmax_rows(float* scores, int64_t rows, int64_t cols, float* probs) {
  TORCH_CHECK(softmax_rows_available(), "softmax_rows needs AVX-512");
#if defined(__x86_64__)
  softmax_avx512(scores, rows, cols, probs);
#endif
}

void softmax_rows(float* scores, int64_t rows, int64_t cols, c10::BFloat16* probs) {
  TORCH_CHECK(softmax_rows_available(), "softmax_rows needs AVX-512");
#if defined(__x86_64__)
  softmax_avx512(scores, rows, cols, probs);
#endif
}

}  // namespace gd
