#include "linear_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <array>
#include <list>
#include <memory>
#include <optional>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "onednn.h"
#include "precision.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN

bool onednn_linear_available() { return true; }

namespace {

// The weight Wᵀ [K, N] as the matmul wants it: reordered into the blocked layout (and type) packed_md describes.
// For int8, column n is quantized symmetrically with its own scale max|W[n, :]| / 127 (returned with it).
// int8 matmuls built for one packed weight (its scales are part of each), by (rows, result type, result row
// stride, GELU, accumulate): building the descriptors per call cost ~10 ms per LeMeViT-small pass.
struct Int8Products {
  std::mutex mutex;
  std::vector<std::pair<std::array<int64_t, 5>, dnnl::matmul>> built;
};

struct Packed {
  dnnl::memory weights;
  at::Tensor scales;                        // int8 only: float [N], W ≈ scales[n] * packed[:, n]
  std::shared_ptr<Int8Products> products;  // int8 only
};

Packed pack(const at::Tensor& weight_t, const dnnl::memory::desc& packed_md) {
  Packed result{dnnl::memory(packed_md, onednn::cpu_engine()), at::Tensor(), nullptr};
  at::Tensor plain = weight_t;
  if (packed_md.data_type() == dnnl::memory::data_type::s8) {
    result.products = std::make_shared<Int8Products>();
    // Quantized here: oneDNN's reorder into the s8 layout (which adds the compensation for s8 inputs) takes no
    // per-column scales.
    auto w = weight_t.detach().to(at::kFloat);
    result.scales = w.abs().amax({0}).clamp_min(1e-12f).div_(127.0f).contiguous();
    plain = w.div(result.scales).round_().clamp_(-127, 127).to(at::kChar);
  }
  auto from = onednn::memory_of(plain);
  dnnl::stream stream(onednn::cpu_engine());
  dnnl::reorder(from, result.weights).execute(stream, from, result.weights);
  stream.wait();
  return result;
}

// Weights reordered once into the blocked layout the matmul asks for (cast to bf16 or quantized to int8), so a
// call no longer re-packs them per thread: +5-30% per matmul in bf16 (docs/benchmarks.md). An entry is keyed by
// the weight's storage (held weakly: while the entry exists that address cannot be reused by another tensor),
// its data pointer, its version counter (in-place updates such as an optimizer step or a weight load bump it)
// and the packed descriptor. Bounded: the least recently used entries go first beyond kPackedBytes.
class PackedWeights {
 public:
  Packed get(const at::Tensor& weight_t, const dnnl::memory::desc& packed_md) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto found = find(weight_t, [&](const dnnl::memory::desc& md) { return md == packed_md; })) return *found;
    auto packed = pack(weight_t, packed_md);
    entries_.push_front({c10::weak_intrusive_ptr<c10::StorageImpl>(weight_t.storage().getWeakStorageImpl()), weight_t.data_ptr(),
                         weight_t.unsafeGetTensorImpl()->version_counter().current_version(),
                         packed_md, packed});
    bytes_ += packed_md.get_size();
    while (bytes_ > kPackedBytes && entries_.size() > 1) {
      bytes_ -= entries_.back().md.get_size();
      entries_.pop_back();
    }
    return packed;
  }

  // The weight's int8 packing, if it has one (there is one int8 layout per weight): found without a descriptor.
  std::optional<Packed> find_int8(const at::Tensor& weight_t) {
    std::lock_guard<std::mutex> lock(mutex_);
    return find(weight_t, [](const dnnl::memory::desc& md) { return md.data_type() == dnnl::memory::data_type::s8; });
  }

 private:
  template <typename Matches>
  std::optional<Packed> find(const at::Tensor& weight_t, Matches matches) {
    const void* data = weight_t.data_ptr();
    auto version = weight_t.unsafeGetTensorImpl()->version_counter().current_version();
    auto* storage = weight_t.storage().unsafeGetStorageImpl();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->storage.expired() || it->storage._unsafe_get_target() != storage || it->data != data || !matches(it->md)) continue;
      if (it->version != version) {  // the weight changed in place: pack it again
        bytes_ -= it->md.get_size();
        entries_.erase(it);
        return std::nullopt;
      }
      entries_.splice(entries_.begin(), entries_, it);
      return it->packed;
    }
    return std::nullopt;
  }

  static constexpr size_t kPackedBytes = size_t{512} << 20;
  struct Entry {
    c10::weak_intrusive_ptr<c10::StorageImpl> storage;
    const void* data;
    uint32_t version;
    dnnl::memory::desc md;
    Packed packed;
  };
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  size_t bytes_ = 0;
};

PackedWeights& packed_weights() {
  static auto* cache = new PackedWeights();  // never destroyed: the shim may be used during static teardown
  return *cache;
}

}  // namespace

namespace {

using dt = dnnl::memory::data_type;

// Quantizing a block of x (rows of K values, bf16 or fp32, rows `stride` apart) to int8 with one symmetric scale.
// Hand-written for AVX-512 (with a plain loop elsewhere): aminmax plus oneDNN's quantizing reorder cost 40 ms per
// LeMeViT-small pass, a third of what the int8 products saved (docs/benchmarks.md).
template <typename T>
struct BlockOf {
  const T* x;
  int64_t K, stride;
};

inline float to_float(float v) { return v; }
inline float to_float(at::BFloat16 v) { return static_cast<float>(v); }

template <typename T>
float absmax_plain(BlockOf<T> b, int64_t first, int64_t last) {
  float top = 0;
  for (int64_t r = first; r < last; ++r)
    for (int64_t k = 0; k < b.K; ++k) top = std::max(top, std::abs(to_float(b.x[r * b.stride + k])));
  return top;
}

template <typename T>
void quantize_plain(BlockOf<T> b, int64_t first, int64_t last, float inverse, int8_t* q) {
  for (int64_t r = first; r < last; ++r)
    for (int64_t k = 0; k < b.K; ++k)
      q[r * b.K + k] = static_cast<int8_t>(std::clamp(std::nearbyint(to_float(b.x[r * b.stride + k]) * inverse), -127.0f, 127.0f));
}

#if defined(__x86_64__)
// GCC 12 warns about the undefined-by-design vectors inside the masked-load intrinsics.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wpsabi"  // AVX-512 values passed between these AVX-512 functions only
#define GD_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))
// 16 values as fp32; masked only for a row's last, partial vector (masked memory ops are slow on AMD).
GD_AVX512 inline __m512 load16(const float* p, int64_t n) {
  return n >= 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p);
}
GD_AVX512 inline __m512 load16(const at::BFloat16* p, int64_t n) {
  auto halves = n >= 16 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))
                        : _mm256_maskz_loadu_epi16(static_cast<__mmask16>((1u << n) - 1), p);
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16));  // bf16: an fp32's top half
}

template <typename T>
GD_AVX512 float absmax_avx512(BlockOf<T> b, int64_t first, int64_t last) {
  // four running maxima, 64 values per step: one would wait on its own latency
  __m512 t0 = _mm512_setzero_ps(), t1 = t0, t2 = t0, t3 = t0;
  for (int64_t r = first; r < last; ++r) {
    const T* x = b.x + r * b.stride;
    int64_t k = 0;
    for (; k + 64 <= b.K; k += 64) {
      t0 = _mm512_max_ps(t0, _mm512_abs_ps(load16(x + k, 16)));
      t1 = _mm512_max_ps(t1, _mm512_abs_ps(load16(x + k + 16, 16)));
      t2 = _mm512_max_ps(t2, _mm512_abs_ps(load16(x + k + 32, 16)));
      t3 = _mm512_max_ps(t3, _mm512_abs_ps(load16(x + k + 48, 16)));
    }
    for (; k < b.K; k += 16) t0 = _mm512_max_ps(t0, _mm512_abs_ps(load16(x + k, b.K - k)));
  }
  return _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(t0, t1), _mm512_max_ps(t2, t3)));
}

// 16 values times the scale, rounded to the nearest (even) int32; saturated to int8 by the caller's pack
// (|x| * inverse <= 127 by the choice of scale).
template <typename T>
GD_AVX512 inline __m512i ints(const T* p, int64_t n, __m512 scale) { return _mm512_cvtps_epi32(_mm512_mul_ps(load16(p, n), scale)); }

template <typename T>
GD_AVX512 void quantize_avx512(BlockOf<T> b, int64_t first, int64_t last, float inverse, int8_t* q) {
  const __m512 scale = _mm512_set1_ps(inverse);
  // the saturating packs work within 128-bit lanes: this puts the 64 bytes back in order
  const __m512i lanes = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  for (int64_t r = first; r < last; ++r) {
    const T* x = b.x + r * b.stride;
    int8_t* out = q + r * b.K;
    int64_t k = 0;
    for (; k + 64 <= b.K; k += 64) {
      auto words = _mm512_packs_epi16(_mm512_packs_epi32(ints(x + k, 16, scale), ints(x + k + 16, 16, scale)),
                                      _mm512_packs_epi32(ints(x + k + 32, 16, scale), ints(x + k + 48, 16, scale)));
      _mm512_storeu_si512(out + k, _mm512_permutexvar_epi32(lanes, words));
    }
    for (; k < b.K; k += 16) {
      auto bytes = _mm512_cvtsepi32_epi8(ints(x + k, b.K - k, scale));
      if (b.K - k >= 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), bytes);
      else _mm_mask_storeu_epi8(out + k, static_cast<__mmask16>((1u << (b.K - k)) - 1), bytes);
    }
  }
}
#pragma GCC diagnostic pop
#endif

bool cpu_has_avx512bw() {
#if defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return has;
#else
  return false;
#endif
}

// q = round(block / scale), saturated, with scale = max|block| / 127 (1 for an all-zero or non-finite block);
// returns the scale. On one thread: the caller spreads the blocks over the threads (one parallel region per
// call; one per block cost 38 ms per LeMeViT-small pass in thread wake-ups).
template <typename T>
float quantize_block(BlockOf<T> b, int64_t rows, int8_t* q) {
  if (b.stride == b.K) {  // dense rows: one long row, so the unrolled loops rarely stop at a row's end
    b.K *= rows;
    b.stride = b.K;
    rows = 1;
  }
#if defined(__x86_64__)
  const bool avx512 = cpu_has_avx512bw();
  float top = avx512 ? absmax_avx512(b, 0, rows) : absmax_plain(b, 0, rows);
#else
  float top = absmax_plain(b, 0, rows);
#endif
  float scale = top > 0 && std::isfinite(top) ? top / 127.0f : 1.0f, inverse = 1.0f / scale;
#if defined(__x86_64__)
  if (avx512) {
    quantize_avx512(b, 0, rows, inverse, q);
    return scale;
  }
#endif
  quantize_plain(b, 0, rows, inverse, q);
  return scale;
}

// Rows [first, first + count) of x [M, K] (bf16 or fp32, dense rows) into q (their rows, dense), by pointer.
float quantize_rows(const at::Tensor& x, int64_t first, int64_t count, int8_t* q) {
  const auto K = x.size(1), stride = x.stride(0);
  return x.scalar_type() == at::kBFloat16
             ? quantize_block(BlockOf<at::BFloat16>{x.data_ptr<at::BFloat16>() + first * stride, K, stride}, count, q)
             : quantize_block(BlockOf<float>{x.data_ptr<float>() + first * stride, K, stride}, count, q);
}

// Rows per int8 block: ~512 KB of x, so a block is read for its scale and quantized while it is still in cache.
int64_t int8_block_rows(int64_t K, int64_t element_size) {
  return std::max<int64_t>(256, (int64_t{512} << 10) / (K * element_size));
}

// out_rows (+)= dequantize(int8(rows) x int8(W)ᵀ) + bias, then GELU, in blocks of rows. Dynamic quantization
// like torch.ao's quantize_dynamic, but symmetric and with one scale per block of rows rather than per call, so
// a block is read for its scale and quantized while it is still in cache.
// The weight's per-column scales are the primitive's output scales, fixed per layer (per-column runtime values, a
// binary post-op, doubled the time of the stage-1 layers); a block's own scale is a runtime scalar post-op, so
// all blocks share one primitive. oneDNN adds the bias to the int32 sums before the output scales, so a block
// passes bias / (w_scale * x_scale).
void int8_product(const at::Tensor& rows, const at::Tensor& weight, const at::Tensor& bias, bool gelu, bool accumulate,
                  const at::Tensor& out_rows) {
  auto& engine = onednn::cpu_engine();
  const auto M = rows.size(0), K = rows.size(1), N = out_rows.size(1);
  const auto block_rows = std::min(M, int8_block_rows(K, rows.element_size()));
  auto weight_t = weight.t();
  dnnl::memory::desc scalar_md({1, 1}, dt::f32, dnnl::memory::format_tag::ab);
  dnnl::memory::desc bias_md({1, N}, dt::f32, dnnl::memory::format_tag::ab);
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_mul, scalar_md);
  if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (accumulate) ops.append_sum(1.0f);

  // The kernels for blocks of `count` rows (the full block and the last, shorter one).
  struct Kernels {
    dnnl::memory::desc q_md, out_md;
    dnnl::matmul product;
  };
  // An inference tensor has no version counter to tell a changed weight from an unchanged one: packed per call.
  Packed packed;
  if (!weight.is_inference())
    if (auto found = packed_weights().find_int8(weight_t)) packed = *found;
  auto kernels_for = [&](int64_t count) {
    dnnl::memory::desc q_md({count, K}, dt::s8, dnnl::memory::format_tag::ab);
    dnnl::memory::desc out_md({count, N}, onednn::type_of(out_rows), {out_rows.stride(0), 1});
    const std::array<int64_t, 5> key{count, static_cast<int64_t>(out_rows.scalar_type()), out_rows.stride(0), gelu, accumulate};
    if (packed.products) {
      std::lock_guard<std::mutex> lock(packed.products->mutex);
      for (auto& [built_key, product] : packed.products->built)
        if (built_key == key) return Kernels{q_md, out_md, product};
    }
    dnnl::matmul::desc desc(q_md, dnnl::memory::desc({K, N}, dt::s8, dnnl::memory::format_tag::any), bias_md, out_md);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    if (!packed.scales.defined()) {
      // the packed layout comes from a descriptor; the scales come with the packed weight
      auto layout = dnnl::matmul::primitive_desc(desc, attr, engine).weights_desc();
      packed = weight.is_inference() ? pack(weight_t, layout) : packed_weights().get(weight_t, layout);
    }
    const float* w_scale = packed.scales.data_ptr<float>();
    attr.set_output_scales(1 << 1, std::vector<float>(w_scale, w_scale + N));
    dnnl::matmul::primitive_desc pd(desc, attr, engine);
    TORCH_CHECK(pd.weights_desc() == packed.weights.get_desc(), "int8 linear: oneDNN chose another weight layout with scales");
    dnnl::matmul product(pd);
    std::lock_guard<std::mutex> lock(packed.products->mutex);
    if (packed.products->built.size() < 16) packed.products->built.emplace_back(key, product);  // a few shapes per layer
    return Kernels{q_md, out_md, product};
  };
  auto full = kernels_for(block_rows);
  std::optional<Kernels> tail;
  auto bias_f32 = bias.defined() ? bias.to(at::kFloat).contiguous() : at::zeros({N}, rows.options().dtype(at::kFloat));
  // Every block quantized first, in one parallel region (the threads split the blocks), then multiplied.
  const auto blocks = (M + block_rows - 1) / block_rows;
  auto q = at::empty({M, K}, rows.options().dtype(at::kChar));
  std::vector<float> x_scales(blocks);
  {
    RECORD_FUNCTION("geodense::quantize_int8", std::vector<c10::IValue>());
    at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
      for (auto i = begin; i < end; ++i) {
        const auto first = i * block_rows;
        x_scales[i] = quantize_rows(rows, first, std::min(block_rows, M - first), q.data_ptr<int8_t>() + first * K);
      }
    });
  }
  std::vector<float> block_bias(N);
  auto* out_base = static_cast<char*>(out_rows.data_ptr());
  const auto out_row_bytes = out_rows.stride(0) * out_rows.element_size();
  dnnl::stream stream(engine);
  for (int64_t first = 0; first < M; first += block_rows) {
    const auto count = std::min(block_rows, M - first);
    if (count != block_rows && !tail) tail = kernels_for(count);
    auto& k = count == block_rows ? full : *tail;
    float x_scale = x_scales[first / block_rows];
    const float *b = bias_f32.data_ptr<float>(), *w_scale = packed.scales.data_ptr<float>();
    for (int64_t n = 0; n < N; ++n) block_bias[n] = b[n] / (w_scale[n] * x_scale);
    k.product.execute(stream, {{DNNL_ARG_SRC, dnnl::memory(k.q_md, engine, q.data_ptr<int8_t>() + first * K)},
                               {DNNL_ARG_WEIGHTS, packed.weights},
                               {DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, block_bias.data())},
                               {DNNL_ARG_DST, dnnl::memory(k.out_md, engine, out_base + first * out_row_bytes)},
                               {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, dnnl::memory(scalar_md, engine, &x_scale)}});
    stream.wait();  // x_scale and block_bias are reused by the next block
  }
}

}  // namespace

at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool gelu,
                         const at::Tensor& residual, bool int8) {
  RECORD_FUNCTION(int8 ? "geodense::onednn_linear_int8" : "geodense::onednn_linear", std::vector<c10::IValue>());
  TORCH_CHECK(x.device().is_cpu() && weight.device().is_cpu(), "the oneDNN linear runs on the CPU only");
  TORCH_CHECK(!c10::GradMode::is_enabled() || !(x.requires_grad() || weight.requires_grad()),
              "the oneDNN linear is for inference: nothing may need a gradient");
  const auto K = weight.size(1), N = weight.size(0);
  TORCH_CHECK(x.size(-1) == K, "linear: input has ", x.size(-1), " features, the weight expects ", K);
  bool bf16 = x.scalar_type() == at::kBFloat16 ||
              (autocast_enabled(at::kCPU) && autocast_dtype(at::kCPU) == at::kBFloat16);
  auto compute = bf16 ? at::kBFloat16 : at::kFloat;  // the result's type (and the product's, unless int8)

  auto rows = x.reshape({-1, K});
  if (!int8 || (rows.scalar_type() != at::kFloat && rows.scalar_type() != at::kBFloat16)) rows = rows.to(compute);
  if (rows.stride(1) != 1) rows = rows.contiguous();  // int8 quantizes from x's own type
  const auto M = rows.size(0);

  std::vector<int64_t> out_shape(x.sizes().begin(), x.sizes().end());
  out_shape.back() = N;
  at::Tensor out = residual.defined() ? residual : at::empty(out_shape, x.options().dtype(compute));
  TORCH_CHECK(out.sizes().vec() == out_shape, "linear: the residual has shape ", out.sizes(), ", expected ",
              at::IntArrayRef(out_shape));
  auto out_rows = out.view({M, N});  // throws if the residual's rows are not one dense block
  TORCH_CHECK(out_rows.stride(1) == 1, "linear: the residual's last dim must be dense");
  if (M == 0) return out;
  if (int8) {
    int8_product(rows, weight, bias, gelu, residual.defined(), out_rows);
    return out;
  }

  auto& engine = onednn::cpu_engine();
  auto src_md = onednn::strided(rows), dst_md = onednn::strided(out_rows);
  dnnl::memory::desc any_md({K, N}, onednn::type_of(rows), dnnl::memory::format_tag::any);
  dnnl::memory::desc bias_md({1, N}, dt::f32, dnnl::memory::format_tag::ab);
  dnnl::post_ops ops;
  if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (residual.defined()) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  // oneDNN caches the primitive by these descriptors, so building them per call costs microseconds.
  auto pd = bias.defined() ? dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, any_md, bias_md, dst_md), attr, engine)
                           : dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, any_md, dst_md), attr, engine);
  // An inference tensor has no version counter to tell a changed weight from an unchanged one: pack per call.
  auto weight_t = weight.t();  // Wᵀ [K, N] as a transposed view: the packing reads it in place
  auto packed = weight.is_inference() ? pack(weight_t, pd.weights_desc()) : packed_weights().get(weight_t, pd.weights_desc());
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(src_md, engine, rows.data_ptr())},
                                             {DNNL_ARG_WEIGHTS, packed.weights},
                                             {DNNL_ARG_DST, dnnl::memory(dst_md, engine, out_rows.data_ptr())}};
  at::Tensor bias_f32;
  if (bias.defined()) {
    bias_f32 = bias.to(at::kFloat).contiguous();
    args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_f32.data_ptr()));
  }
  dnnl::stream stream(engine);
  dnnl::matmul(pd).execute(stream, args);
  stream.wait();
  return out;
}

bool onednn_int8_linear_fast() {
  // The shapes and epilogue of a transformer MLP layer: where oneDNN has no int8 kernel for this CPU it picks its
  // reference implementation ("ref..."), some 1000x slower than fp32.
  const int64_t M = 256, K = 128, N = 512;
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_mul, dnnl::memory::desc({1, 1}, dt::f32, dnnl::memory::format_tag::ab));
  ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  attr.set_output_scales(1 << 1, std::vector<float>(N, 0.01f));
  try {
    dnnl::matmul::primitive_desc pd(
        dnnl::matmul::desc(dnnl::memory::desc({M, K}, dt::s8, dnnl::memory::format_tag::ab),
                           dnnl::memory::desc({K, N}, dt::s8, dnnl::memory::format_tag::any),
                           dnnl::memory::desc({1, N}, dt::f32, dnnl::memory::format_tag::ab),
                           dnnl::memory::desc({M, N}, dt::f32, dnnl::memory::format_tag::ab)),
        attr, onednn::cpu_engine());
    return std::string(pd.impl_info_str()).rfind("ref", 0) != 0;
  } catch (const dnnl::error&) {
    return false;
  }
}

#else

bool onednn_linear_available() { return false; }

at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor&, const at::Tensor&, bool, const at::Tensor&, bool) {
  TORCH_CHECK(false, "this build of the native shim has no oneDNN linear");
  return x;
}

bool onednn_int8_linear_fast() { return false; }

#endif

}  // namespace gd
