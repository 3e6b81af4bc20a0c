// Weights of the shim's oneDNN products (linear_onednn, conv_onednn), packed once into the blocked layout a
// primitive asks for and kept: cast to bf16, or quantized to int8 per output channel.
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

// Appends a descriptor's dims, strides and type to a primitive's key.
void append_key(std::string& key, const dnnl::memory::desc& md);

}  // namespace gd::onednn

#endif
