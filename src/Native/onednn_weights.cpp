#include "onednn_weights.h"

#ifdef GD_HAVE_ONEDNN
#include <list>

namespace gd::onednn {

Packed pack(const at::Tensor& weight, const dnnl::memory::desc& packed_md, int64_t out_dim) {
  Packed result{dnnl::memory(packed_md, cpu_engine()), at::Tensor(), nullptr};
  at::Tensor plain = weight;
  if (packed_md.data_type() == dnnl::memory::data_type::s8) {
    result.primitives = std::make_shared<Int8Primitives>();
    // Quantized here: oneDNN's reorder into the s8 layout (which adds the compensation for s8 inputs) takes no
    // per-channel scales.
    auto w = weight.detach().to(at::kFloat);
    std::vector<int64_t> other_dims;
    for (int64_t d = 0; d < w.dim(); ++d)
      if (d != out_dim) other_dims.push_back(d);
    auto scales = w.abs().amax(other_dims, /*keepdim=*/true).clamp_min(1e-12f).div_(127.0f);
    plain = w.div(scales).round_().clamp_(-127, 127).to(at::kChar);
    result.scales = scales.flatten().contiguous();
  }
  auto from = memory_of(plain);
  dnnl::stream stream(cpu_engine());
  dnnl::reorder(from, result.weights).execute(stream, from, result.weights);
  stream.wait();
  return result;
}

namespace {

// Weights reordered once into the blocked layout the product asks for (cast to bf16 or quantized to int8), so a
// call no longer re-packs them per thread: +5-30% per matmul in bf16 (docs/benchmarks.md). An entry is keyed by
// the weight's storage (held weakly: while the entry exists that address cannot be reused by another tensor),
// its data pointer, its version counter (in-place updates such as an optimizer step or a weight load bump it)
// and the packed descriptor. Bounded: the least recently used entries go first beyond kPackedBytes.
class PackedWeights {
 public:
  Packed get(const at::Tensor& weight, const dnnl::memory::desc& packed_md, int64_t out_dim) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto found = find(weight, [&](const dnnl::memory::desc& md) { return md == packed_md; })) return *found;
    auto packed = pack(weight, packed_md, out_dim);
    entries_.push_front({c10::weak_intrusive_ptr<c10::StorageImpl>(weight.storage().getWeakStorageImpl()), weight.data_ptr(),
                         weight.unsafeGetTensorImpl()->version_counter().current_version(),
                         packed_md, packed});
    bytes_ += packed_md.get_size();
    while (bytes_ > kPackedBytes && entries_.size() > 1) {
      bytes_ -= entries_.back().md.get_size();
      entries_.pop_back();
    }
    return packed;
  }

  // The weight's int8 packing, if it has one (there is one int8 layout per weight): found without a descriptor.
  std::optional<Packed> find_int8(const at::Tensor& weight) {
    std::lock_guard<std::mutex> lock(mutex_);
    return find(weight, [](const dnnl::memory::desc& md) { return md.data_type() == dnnl::memory::data_type::s8; });
  }

 private:
  template <typename Matches>
  std::optional<Packed> find(const at::Tensor& weight, Matches matches) {
    const void* data = weight.data_ptr();
    auto version = weight.unsafeGetTensorImpl()->version_counter().current_version();
    auto* storage = weight.storage().unsafeGetStorageImpl();
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->storage.expired()) {  // the weight is gone
        bytes_ -= it->md.get_size();
        it = entries_.erase(it);
        continue;
      }
      if (it->storage._unsafe_get_target() != storage || it->data != data || !matches(it->md)) {
        ++it;
        continue;
      }
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

Packed packed(const at::Tensor& weight, const dnnl::memory::desc& packed_md, int64_t out_dim) {
  return weight.is_inference() ? pack(weight, packed_md, out_dim) : packed_weights().get(weight, packed_md, out_dim);
}

std::optional<Packed> find_int8(const at::Tensor& weight) {
  if (weight.is_inference()) return std::nullopt;
  return packed_weights().find_int8(weight);
}

namespace {

dnnl::memory::desc scalar_md(int dims) { return dnnl::memory::desc(dnnl::memory::dims(dims, 1), dnnl::memory::data_type::f32, dnnl::memory::dims(dims, 1)); }

}  // namespace

dnnl::primitive_attr int8_attr(int result_dims, bool gelu, bool accumulate, const Packed* packed) {
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_mul, scalar_md(result_dims));
  if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (accumulate) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  if (packed) {
    const float* w_scale = packed->scales.data_ptr<float>();
    attr.set_output_scales(1 << 1, std::vector<float>(w_scale, w_scale + packed->scales.numel()));
  }
  return attr;
}

void int8_bias(const at::Tensor& bias, const Packed& packed, float x_scale, float* out) {
  const float *b = bias.data_ptr<float>(), *w_scale = packed.scales.data_ptr<float>();
  for (int64_t o = 0; o < packed.scales.numel(); ++o) out[o] = b[o] / (w_scale[o] * x_scale);
}

std::pair<const int, dnnl::memory> int8_scale_arg(int result_dims, float* x_scale) {
  return {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, dnnl::memory(scalar_md(result_dims), cpu_engine(), x_scale)};
}

void append_key(std::string& key, const dnnl::memory::desc& md) {
  auto add = [&](int64_t v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  add(static_cast<int64_t>(md.data_type()));
  for (auto d : md.dims()) add(d);
  const auto& blocking = md.data.format_desc.blocking;  // plain strided descriptors only
  for (int i = 0; i < md.data.ndims; ++i) add(blocking.strides[i]);
  add(md.data.offset0);
}

}  // namespace gd::onednn

#endif
