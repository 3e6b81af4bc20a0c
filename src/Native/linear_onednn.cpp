#include "linear_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <cmath>
#include <list>
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
struct Packed {
  dnnl::memory weights;
  at::Tensor scales;  // int8 only: float [N], W ≈ scales[n] * packed[:, n]
};

Packed pack(const at::Tensor& weight_t, const dnnl::memory::desc& packed_md) {
  Packed result{dnnl::memory(packed_md, onednn::cpu_engine()), at::Tensor()};
  at::Tensor plain = weight_t;
  if (packed_md.data_type() == dnnl::memory::data_type::s8) {
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
    const void* data = weight_t.data_ptr();
    auto version = weight_t.unsafeGetTensorImpl()->version_counter().current_version();
    auto* storage = weight_t.storage().unsafeGetStorageImpl();
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->storage.expired() || it->storage._unsafe_get_target() != storage || it->data != data || !(it->md == packed_md)) continue;
      if (it->version != version) {  // the weight changed in place: pack it again
        bytes_ -= it->md.get_size();
        entries_.erase(it);
        break;
      }
      entries_.splice(entries_.begin(), entries_, it);
      return it->packed;
    }
    auto packed = pack(weight_t, packed_md);
    entries_.push_front({c10::weak_intrusive_ptr<c10::StorageImpl>(weight_t.storage().getWeakStorageImpl()), data, version,
                         packed_md, packed});
    bytes_ += packed_md.get_size();
    while (bytes_ > kPackedBytes && entries_.size() > 1) {
      bytes_ -= entries_.back().md.get_size();
      entries_.pop_back();
    }
    return packed;
  }

 private:
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

// x's rows quantized to int8 with one symmetric scale for the whole call, max|x| / 127 (dynamic quantization, as
// torch.ao's quantize_dynamic but symmetric): returns the scale; q receives round(x / scale), saturated.
float quantize_rows(const at::Tensor& rows, at::Tensor& q) {
  auto range = at::aminmax(rows);
  float top = std::max(std::abs(std::get<0>(range).item<float>()), std::abs(std::get<1>(range).item<float>()));
  float scale = top > 0 && std::isfinite(top) ? top / 127.0f : 1.0f;
  q = at::empty(rows.sizes(), rows.options().dtype(at::kChar));
  auto& engine = onednn::cpu_engine();
  dnnl::memory from = onednn::memory_of(rows), to = onednn::memory_of(q);
  dnnl::primitive_attr attr;
  attr.set_output_scales(0, {DNNL_RUNTIME_F32_VAL});  // one reorder primitive for every scale
  float inverse = 1.0f / scale;
  dnnl::memory inverse_mem({{1}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a}, engine, &inverse);
  dnnl::stream stream(engine);
  dnnl::reorder(dnnl::reorder::primitive_desc(engine, from.get_desc(), engine, to.get_desc(), attr))
      .execute(stream, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}, {DNNL_ARG_ATTR_OUTPUT_SCALES, inverse_mem}});
  stream.wait();
  return scale;
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
  auto compute_type = bf16 ? dnnl::memory::data_type::bf16 : dnnl::memory::data_type::f32;
  using dt = dnnl::memory::data_type;

  auto rows = x.reshape({-1, K});
  if (!int8) rows = rows.to(compute);  // int8 quantizes from x's own type
  if (rows.stride(1) != 1) rows = rows.contiguous();
  const auto M = rows.size(0);
  auto weight_t = weight.t();  // Wᵀ [K, N] as a transposed view: the packing reads it in place

  std::vector<int64_t> out_shape(x.sizes().begin(), x.sizes().end());
  out_shape.back() = N;
  at::Tensor out = residual.defined() ? residual : at::empty(out_shape, x.options().dtype(compute));
  TORCH_CHECK(out.sizes().vec() == out_shape, "linear: the residual has shape ", out.sizes(), ", expected ",
              at::IntArrayRef(out_shape));
  auto out_rows = out.view({M, N});  // throws if the residual's rows are not one dense block
  TORCH_CHECK(out_rows.stride(1) == 1, "linear: the residual's last dim must be dense");

  auto& engine = onednn::cpu_engine();
  at::Tensor quantized;
  float x_scale = int8 ? quantize_rows(rows, quantized) : 1.0f;
  auto src_md = onednn::strided(int8 ? quantized : rows);
  auto dst_md = onednn::strided(out_rows);
  dnnl::memory::desc any_md({K, N}, int8 ? dt::s8 : compute_type, dnnl::memory::format_tag::any);
  dnnl::memory::desc bias_md({1, N}, dt::f32, dnnl::memory::dims{N, 1});
  auto desc = bias.defined() ? dnnl::matmul::desc(src_md, any_md, bias_md, dst_md) : dnnl::matmul::desc(src_md, any_md, dst_md);

  // The epilogue: int8's dequantization by x's scale (a runtime scalar, so every call shares one primitive),
  // GELU, the residual add. The weight's per-column scales are the primitive's output scales, fixed per layer:
  // per-column runtime values (a binary post-op) doubled the time of the stage-1 layers, a runtime scalar costs
  // ~nothing (docs/benchmarks.md). oneDNN adds the bias to the int32 sums, before the output scales, so int8
  // passes bias / (w_scale * x_scale).
  dnnl::post_ops ops;
  if (int8) ops.append_binary(dnnl::algorithm::binary_mul, dnnl::memory::desc({1, 1}, dt::f32, dnnl::memory::format_tag::ab));
  if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (residual.defined()) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);

  // oneDNN caches the primitive by these descriptors, so building them per call costs microseconds. The packed
  // weight's layout comes from a primitive descriptor; int8's scales come with the packed weight, so its
  // descriptor is built again with them (same layout).
  auto pd = dnnl::matmul::primitive_desc(desc, attr, engine);
  // An inference tensor has no version counter to tell a changed weight from an unchanged one: pack per call.
  auto packed = weight.is_inference() ? pack(weight_t, pd.weights_desc()) : packed_weights().get(weight_t, pd.weights_desc());
  if (int8) {
    const float* w_scale = packed.scales.data_ptr<float>();
    attr.set_output_scales(1 << 1, std::vector<float>(w_scale, w_scale + N));
    pd = dnnl::matmul::primitive_desc(desc, attr, engine);
    TORCH_CHECK(pd.weights_desc() == packed.weights.get_desc(), "int8 linear: oneDNN chose another weight layout with scales");
  }
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, dnnl::memory(src_md, engine, int8 ? quantized.data_ptr() : rows.data_ptr())},
      {DNNL_ARG_WEIGHTS, packed.weights},
      {DNNL_ARG_DST, dnnl::memory(dst_md, engine, out_rows.data_ptr())}};
  at::Tensor bias_f32 = bias.defined() ? bias.to(at::kFloat).contiguous() : at::Tensor();
  if (bias.defined() && int8) bias_f32 = bias_f32 / (packed.scales * x_scale);
  if (bias.defined()) args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_f32.data_ptr()));
  if (int8)
    args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1,
                 dnnl::memory({{1, 1}, dt::f32, dnnl::memory::format_tag::ab}, engine, &x_scale));
  dnnl::stream stream(engine);
  dnnl::matmul(pd).execute(stream, args);
  stream.wait();
  return out;
}

bool onednn_int8_linear_fast() {
  // The shapes and epilogue of a transformer MLP layer: where oneDNN has no int8 kernel for this CPU it picks its
  // reference implementation ("ref..."), some 1000x slower than fp32.
  using dt = dnnl::memory::data_type;
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
