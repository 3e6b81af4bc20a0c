// What the shim's oneDNN kernels share: one CPU engine and descriptors of tensors as they lie in memory.
// Only compiled into builds that link the system oneDNN (GD_HAVE_ONEDNN; the library Debian's libtorch uses).
#pragma once

#ifdef GD_HAVE_ONEDNN
#include <ATen/ATen.h>
#include <oneapi/dnnl/dnnl.hpp>

namespace gd::onednn {

inline dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

inline dnnl::memory::data_type type_of(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kBFloat16: return dnnl::memory::data_type::bf16;
    case at::kChar: return dnnl::memory::data_type::s8;
    case at::kFloat: return dnnl::memory::data_type::f32;
    default: TORCH_CHECK(false, "oneDNN kernels take float32, bfloat16 or int8 tensors, not ", t.scalar_type());
  }
}

// A plain strided descriptor of the tensor as it is: no reorder, no copy.
inline dnnl::memory::desc strided(const at::Tensor& t) {
  dnnl::memory::dims dims(t.sizes().begin(), t.sizes().end()), strides(t.strides().begin(), t.strides().end());
  return dnnl::memory::desc(dims, type_of(t), strides);
}

inline dnnl::memory memory_of(const at::Tensor& t) { return dnnl::memory(strided(t), cpu_engine(), t.data_ptr()); }

}  // namespace gd::onednn

#endif
