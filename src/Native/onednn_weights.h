// Weights of the shim's oneDNN products (linear_onednn, conv_onednn), packed once into the blocked layout a
// primitive asks for and kept: cast to bf16, or quantized to int8 per output channel; and the epilogue the int8
// products share.
#pragma once

#ifdef GD_HAVE_ONEDNN
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onednn.h"

namespace gd::onednn {

// int8 primitives built for one packed weight (its scales are part of each), by a key the caller makes of the
// shapes and epilogue: building the descriptors per call cost ~10 ms per LeMeViT-small pass. A few per weight.
class Int8Primitives {
 public:
  template <typename Build>
  dnnl::primitive get(const std::string& key, Build build) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [built_key, primitive] : built_)
        if (built_key == key) return primitive;
    }
    dnnl::primitive primitive = build();
    std::lock_guard<std::mutex> lock(mutex_);
    if (built_.size() < 16) built_.emplace_back(key, primitive);
    return primitive;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, dnnl::primitive>> built_;
};

struct Packed {
  dnnl::memory weights;
  at::Tensor scales;                           // int8 only: float [output channels], W ≈ scales[o] * packed[o]
  std::shared_ptr<Int8Primitives> primitives;  // int8 only
};

// `weight` (output channels along out_dim) reordered into packed_md's layout and type. For int8 each output
// channel is quantized symmetrically with its own scale max|W[o]| / 127 (returned with it).
Packed pack(const at::Tensor& weight, const dnnl::memory::desc& packed_md, int64_t out_dim);

// The packing of `weight` into packed_md, from the cache (packed and kept on a miss). An inference tensor has no
// version counter to tell a changed weight from an unchanged one: it is packed per call.
Packed packed(const at::Tensor& weight, const dnnl::memory::desc& packed_md, int64_t out_dim);

// The weight's int8 packing, if the cache has one (there is one int8 layout per weight): found without a
// descriptor, whose layout comes from a primitive that needs the scales first.
std::optional<Packed> find_int8(const at::Tensor& weight);

// The int8 epilogue. The weight's per-channel scales are the primitive's output scales, fixed per weight
// (per-channel runtime values, a binary post-op, doubled the time of LeMeViT's stage-1 layers); x's scale, known
// per call, is a runtime scalar post-op (the first), so one primitive serves every call; then GELU and the
// accumulation into the result. oneDNN adds the bias to the int32 sums before the output scales, so a call passes
// bias / (w_scale * x_scale) (int8_bias).
// The attributes for a result of result_dims dims (output channels along dim 1); with the packed weight, its scales.
dnnl::primitive_attr int8_attr(int result_dims, bool gelu, bool accumulate, const Packed* packed = nullptr);
// bias (float, one per output channel) / (w_scale * x_scale) into out.
void int8_bias(const at::Tensor& bias, const Packed& packed, float x_scale, float* out);
// The execute argument that passes x's scale to the first post-op.
std::pair<const int, dnnl::memory> int8_scale_arg(int result_dims, float* x_scale);

// Appends a descriptor's dims, strides and type to a primitive's key.
void append_key(std::string& key, const dnnl::memory::desc& md);

}  // namespace gd::onednn

#endif
