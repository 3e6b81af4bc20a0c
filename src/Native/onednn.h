// What the shim's oneDNN kernels share: one CPU engine and descriptors of tensors as they lie in memory.
// Only compiled into builds that link the system oneDNN (GD_HAVE_ONEDNN; the library Debian's libtorch uses).
#pragma once

#ifdef GD_HAVE_ONEDNN
#include <ATen/ATen.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <utility>

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

// Primitives that several threads run at once (one per thread, inside a parallel region, where oneDNN runs each
// single-threaded) are built with a user scratchpad (attr.set_scratchpad_mode(dnnl::scratchpad_mode::user)) and
// each thread passes its own: by default concurrent executions share one and overwrite each other's.
inline int64_t scratchpad_bytes(const dnnl::primitive& p) {
  return static_cast<int64_t>(dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(p.get_primitive_desc(), dnnl_query_scratchpad_md, 0)));
}
inline std::pair<const int, dnnl::memory> scratchpad_arg(void* data, int64_t bytes) {
  return {DNNL_ARG_SCRATCHPAD, dnnl::memory(dnnl::memory::desc({std::max<int64_t>(bytes, 1)}, dnnl::memory::data_type::u8, dnnl::memory::format_tag::a),
                                            cpu_engine(), data)};
}

}  // namespace gd::onednn

#endif
