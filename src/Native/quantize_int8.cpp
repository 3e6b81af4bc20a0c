#include "quantize_int8.h"

#include <algorithm>
#include <cmath>
#include "avx512.h"

namespace gd {

namespace {

// A block of x: rows of K values, `stride` apart.
template <typename T>
struct BlockOf {
  const T* x;
  int64_t K, stride;
};

inline float to_float(float v) { return v; }
inline float to_float(at::BFloat16 v) { return static_cast<float>(v); }

// max|x| (Abs) or max x over rows [first, last) of a block.
template <bool Abs, typename T>
float top_plain(BlockOf<T> b, int64_t first, int64_t last) {
  float top = Abs ? 0.0f : -INFINITY;
  for (int64_t r = first; r < last; ++r)
    for (int64_t k = 0; k < b.K; ++k) {
      const float v = to_float(b.x[r * b.stride + k]);
      top = std::max(top, Abs ? std::abs(v) : v);
    }
  return top;
}

// GELU in its tanh form, x·σ(2u) with u = √(2/π)(x + 0.044715x³): within 3e-4 of the erf form, far below an int8
// step of the values it feeds.
inline float gelu_tanh(float x) { return x / (1.0f + std::exp(-1.5957691216f * (x + 0.044715f * x * x * x))); }

template <bool Gelu, typename T>
void quantize_plain(BlockOf<T> b, int64_t first, int64_t last, float inverse, int8_t* q) {
  for (int64_t r = first; r < last; ++r)
    for (int64_t k = 0; k < b.K; ++k) {
      const float v = to_float(b.x[r * b.stride + k]);
      q[r * b.K + k] = static_cast<int8_t>(std::clamp(std::nearbyint((Gelu ? gelu_tanh(v) : v) * inverse), -127.0f, 127.0f));
    }
}

#if defined(__x86_64__)
GD_AVX512_BEGIN
template <bool Abs, typename T>
GD_AVX512 float top_avx512(BlockOf<T> b, int64_t first, int64_t last) {
  // four running maxima, 64 values per step: one would wait on its own latency
  const __m512 lowest = _mm512_set1_ps(Abs ? 0.0f : -INFINITY);
  __m512 t0 = lowest, t1 = lowest, t2 = lowest, t3 = lowest;
  auto value = [](__m512 v) GD_AVX512 { return Abs ? _mm512_abs_ps(v) : v; };
  for (int64_t r = first; r < last; ++r) {
    const T* x = b.x + r * b.stride;
    int64_t k = 0;
    for (; k + 64 <= b.K; k += 64) {
      t0 = _mm512_max_ps(t0, value(load16(x + k, 16)));
      t1 = _mm512_max_ps(t1, value(load16(x + k + 16, 16)));
      t2 = _mm512_max_ps(t2, value(load16(x + k + 32, 16)));
      t3 = _mm512_max_ps(t3, value(load16(x + k + 48, 16)));
    }
    // a partial vector's missing lanes load as 0: no larger than |x|, but they may be above every x
    for (; k < b.K; k += 16) t0 = _mm512_mask_max_ps(t0, lanes(b.K - k), t0, value(load16(x + k, b.K - k)));
  }
  return _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(t0, t1), _mm512_max_ps(t2, t3)));
}

// gelu_tanh for 16 values: σ(2u) from e = exp(-2|u|) (never overflows): 1 / (1 + e) where u >= 0, e / (1 + e) below.
GD_AVX512 inline __m512 gelu16(__m512 x) {
  const __m512 u = _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.7978845608f)),
                                 _mm512_fmadd_ps(_mm512_mul_ps(x, x), _mm512_set1_ps(0.044715f), _mm512_set1_ps(1.0f)));
  const __m512 e = exp_nonpositive(_mm512_mul_ps(_mm512_abs_ps(u), _mm512_set1_ps(-2.0f)));
  const __m512 r = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
  const __mmask16 negative = _mm512_cmp_ps_mask(u, _mm512_setzero_ps(), _CMP_LT_OQ);
  return _mm512_mul_ps(x, _mm512_mask_mul_ps(r, negative, r, e));
}

// 16 values (through GELU first when Gelu) times the scale, rounded to the nearest (even) int32; saturated to int8 by
// the caller's pack (|value| * inverse <= 127 by the choice of scale).
template <bool Gelu, typename T>
GD_AVX512 inline __m512i ints(const T* p, int64_t n, __m512 scale) {
  const __m512 v = load16(p, n);
  return _mm512_cvtps_epi32(_mm512_mul_ps(Gelu ? gelu16(v) : v, scale));
}

template <bool Gelu, typename T>
GD_AVX512 void quantize_avx512(BlockOf<T> b, int64_t first, int64_t last, float inverse, int8_t* q) {
  const __m512 scale = _mm512_set1_ps(inverse);
  // the saturating packs work within 128-bit lanes: this puts the 64 bytes back in order
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  for (int64_t r = first; r < last; ++r) {
    const T* x = b.x + r * b.stride;
    int8_t* out = q + r * b.K;
    int64_t k = 0;
    for (; k + 64 <= b.K; k += 64) {
      auto words = _mm512_packs_epi16(_mm512_packs_epi32(ints<Gelu>(x + k, 16, scale), ints<Gelu>(x + k + 16, 16, scale)),
                                      _mm512_packs_epi32(ints<Gelu>(x + k + 32, 16, scale), ints<Gelu>(x + k + 48, 16, scale)));
      _mm512_storeu_si512(out + k, _mm512_permutexvar_epi32(order, words));
    }
    for (; k < b.K; k += 16) {
      auto bytes = _mm512_cvtsepi32_epi8(ints<Gelu>(x + k, b.K - k, scale));
      if (b.K - k >= 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), bytes);
      else _mm_mask_storeu_epi8(out + k, lanes(b.K - k), bytes);
    }
  }
}
GD_AVX512_END
#endif

// Dense rows are one long row, so the unrolled loops rarely stop at a row's end.
template <typename T>
BlockOf<T> flattened(BlockOf<T> b, int64_t& rows) {
  if (b.stride == b.K) {
    b.K *= rows;
    b.stride = b.K;
    rows = 1;
  }
  return b;
}

template <bool Abs, typename T>
float top(BlockOf<T> b, int64_t rows) {
  b = flattened(b, rows);
#if defined(__x86_64__)
  if (cpu_has_avx512bw()) return top_avx512<Abs>(b, 0, rows);
#endif
  return top_plain<Abs>(b, 0, rows);
}

template <bool Gelu = false, typename T>
void quantize(BlockOf<T> b, int64_t rows, float scale, int8_t* q) {
  b = flattened(b, rows);
#if defined(__x86_64__)
  if (cpu_has_avx512bw()) return quantize_avx512<Gelu>(b, 0, rows, 1.0f / scale, q);
#endif
  quantize_plain<Gelu>(b, 0, rows, 1.0f / scale, q);
}

// Calls f with rows [first, first + count) of x as a typed block.
template <typename F>
auto with_block(const at::Tensor& x, int64_t first, F f) {
  const auto K = x.size(1), stride = x.stride(0);
  TORCH_CHECK(x.dim() == 2 && x.stride(1) == 1, "int8 quantization takes rows with a dense last dim");
  if (x.scalar_type() == at::kBFloat16) return f(BlockOf<at::BFloat16>{x.data_ptr<at::BFloat16>() + first * stride, K, stride});
  TORCH_CHECK(x.scalar_type() == at::kFloat, "int8 quantization takes float32 or bfloat16 rows, not ", x.scalar_type());
  return f(BlockOf<float>{x.data_ptr<float>() + first * stride, K, stride});
}

}  // namespace

float int8_absmax(const at::Tensor& x, int64_t first, int64_t count) {
  return with_block(x, first, [&](auto b) { return top<true>(b, count); });
}

void int8_quantize(const at::Tensor& x, int64_t first, int64_t count, float scale, int8_t* q) {
  with_block(x, first, [&](auto b) { quantize(b, count, scale, q); });
}

float int8_quantize_gelu_block(const at::Tensor& x, int64_t first, int64_t count, int8_t* q) {
  return with_block(x, first, [&](auto b) {
    // max|GELU| over the block without GELU on every value: GELU rises from its minimum, -0.17 at x = -0.75, so
    // |GELU(x)| <= max(GELU(max x), 0.17)
    const double highest = top<false>(b, count);
    const float scale = int8_scale(static_cast<float>(std::max(0.5 * highest * (1 + std::erf(highest / std::sqrt(2.0))), 0.1700406)));
    quantize<true>(b, count, scale, q);
    return scale;
  });
}

float int8_quantize_block(const at::Tensor& x, int64_t first, int64_t count, int8_t* q) {
  return with_block(x, first, [&](auto b) {
    // read for the scale, then quantized while the block is still in cache
    float scale = int8_scale(top<true>(b, count));
    quantize(b, count, scale, q);
    return scale;
  });
}

}  // namespace gd
