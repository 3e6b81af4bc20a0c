#include "linear_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
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

// The weight Wᵀ reordered into the blocked layout (and type) packed_md describes.
dnnl::memory pack(const at::Tensor& weight_t, const dnnl::memory::desc& packed_md) {
  auto& engine = onednn::cpu_engine();
  dnnl::memory plain = onednn::memory_of(weight_t), packed(packed_md, engine);
  dnnl::stream stream(engine);
  dnnl::reorder(plain, packed).execute(stream, plain, packed);
  stream.wait();
  return packed;
}

// Weights reordered once into the blocked layout the matmul asks for (and cast to bf16 for the bf16 path), so a
// call no longer re-packs them per thread: +5-30% per matmul in bf16 (docs/benchmarks.md). An entry is keyed by
// the weight's storage (held weakly: while the entry exists that address cannot be reused by another tensor),
// its data pointer, its version counter (in-place updates such as an optimizer step or a weight load bump it)
// and the packed descriptor. Bounded: the least recently used entries go first beyond kPackedBytes.
class PackedWeights {
 public:
  dnnl::memory get(const at::Tensor& weight_t, const dnnl::memory::desc& packed_md) {
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
    dnnl::memory packed;
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

at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool gelu,
                         const at::Tensor& residual) {
  RECORD_FUNCTION("geodense::onednn_linear", std::vector<c10::IValue>());  // visible to `model bench --profile`
  TORCH_CHECK(x.device().is_cpu() && weight.device().is_cpu(), "the oneDNN linear runs on the CPU only");
  TORCH_CHECK(!c10::GradMode::is_enabled() || !(x.requires_grad() || weight.requires_grad()),
              "the oneDNN linear is for inference: nothing may need a gradient");
  const auto K = weight.size(1), N = weight.size(0);
  TORCH_CHECK(x.size(-1) == K, "linear: input has ", x.size(-1), " features, the weight expects ", K);
  bool bf16 = x.scalar_type() == at::kBFloat16 ||
              (autocast_enabled(at::kCPU) && autocast_dtype(at::kCPU) == at::kBFloat16);
  auto compute = bf16 ? at::kBFloat16 : at::kFloat;
  auto compute_type = bf16 ? dnnl::memory::data_type::bf16 : dnnl::memory::data_type::f32;

  auto rows = x.reshape({-1, K}).to(compute);
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

  dnnl::post_ops ops;
  if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (residual.defined()) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);

  auto& engine = onednn::cpu_engine();
  auto src_md = onednn::strided(rows), dst_md = onednn::strided(out_rows);
  dnnl::memory::desc any_md({K, N}, compute_type, dnnl::memory::format_tag::any);
  // oneDNN caches the primitive by these descriptors, so building them per call costs microseconds.
  dnnl::matmul::primitive_desc pd;
  at::Tensor bias_f32;
  dnnl::memory::desc bias_md({1, N}, dnnl::memory::data_type::f32, dnnl::memory::dims{N, 1});
  if (bias.defined()) {
    bias_f32 = bias.to(at::kFloat).contiguous();
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, any_md, bias_md, dst_md), attr, engine);
  } else {
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, any_md, dst_md), attr, engine);
  }
  // An inference tensor has no version counter to tell a changed weight from an unchanged one: pack per call.
  auto packed = weight.is_inference() ? pack(weight_t, pd.weights_desc()) : packed_weights().get(weight_t, pd.weights_desc());
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(src_md, engine, rows.data_ptr())},
                                             {DNNL_ARG_WEIGHTS, packed},
                                             {DNNL_ARG_DST, dnnl::memory(dst_md, engine, out_rows.data_ptr())}};
  if (bias.defined()) args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_f32.data_ptr()));
  dnnl::stream stream(engine);
  dnnl::matmul(pd).execute(stream, args);
  stream.wait();
  return out;
}

#else

bool onednn_linear_available() { return false; }

at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor&, const at::Tensor&, bool, const at::Tensor&) {
  TORCH_CHECK(false, "this build of the native shim has no oneDNN linear");
  return x;
}

#endif

}  // namespace gd
