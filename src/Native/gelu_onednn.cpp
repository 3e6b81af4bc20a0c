#include "gelu_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include "onednn.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN

bool onednn_gelu_applies(const at::Tensor& x) {
  if (!x.device().is_cpu() || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16)) return false;
  if (c10::GradMode::is_enabled() && x.requires_grad()) return false;
  return x.numel() > 0 && x.is_non_overlapping_and_dense();
}

void onednn_gelu_(const at::Tensor& x) {
  RECORD_FUNCTION("geodense::onednn_gelu_", std::vector<c10::IValue>());  // visible to `model bench --profile`
  // Elementwise, so the dense block is one long vector whatever the dims' order.
  dnnl::memory::desc md({x.numel()}, onednn::type_of(x), dnnl::memory::format_tag::a);
  auto& engine = onednn::cpu_engine();
  dnnl::eltwise_forward::primitive_desc pd(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::eltwise_gelu_erf, md, 0.0f, 0.0f), engine);
  dnnl::memory mem(md, engine, x.data_ptr());
  dnnl::stream stream(engine);
  dnnl::eltwise_forward(pd).execute(stream, {{DNNL_ARG_SRC, mem}, {DNNL_ARG_DST, mem}});
  stream.wait();
}

#else

bool onednn_gelu_applies(const at::Tensor&) { return false; }
void onednn_gelu_(const at::Tensor&) { TORCH_CHECK(false, "this build of the native shim has no oneDNN GELU"); }

#endif

}  // namespace gd
