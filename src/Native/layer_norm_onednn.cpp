#include "layer_norm_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include "onednn.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN

bool onednn_layer_norm_applies(const at::Tensor& x, at::IntArrayRef normalized_shape, const at::Tensor& weight,
                               const at::Tensor& bias) {
  if (!x.device().is_cpu() || x.scalar_type() != at::kBFloat16 || x.dim() < 2) return false;
  if (normalized_shape.size() != 1 || normalized_shape[0] != x.size(-1)) return false;
  if (!weight.defined() || !bias.defined() || weight.scalar_type() != at::kFloat || bias.scalar_type() != at::kFloat) return false;
  if (c10::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad() || bias.requires_grad())) return false;
  return true;
}

at::Tensor onednn_layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  RECORD_FUNCTION("geodense::onednn_layer_norm", std::vector<c10::IValue>());  // visible to `model bench --profile`
  const auto C = x.size(-1);
  auto rows = x.reshape({-1, C}).contiguous();
  auto out = at::empty_like(rows);
  auto scale = weight.contiguous(), shift = bias.contiguous();
  auto& engine = onednn::cpu_engine();
  auto md = onednn::strided(rows);
  dnnl::layer_normalization_forward::primitive_desc pd(
      dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_inference, md, static_cast<float>(eps),
                                              dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift),
      engine);
  dnnl::stream stream(engine);
  dnnl::layer_normalization_forward(pd).execute(stream, {{DNNL_ARG_SRC, onednn::memory_of(rows)},
                                                         {DNNL_ARG_DST, onednn::memory_of(out)},
                                                         {DNNL_ARG_SCALE, onednn::memory_of(scale)},
                                                         {DNNL_ARG_SHIFT, onednn::memory_of(shift)}});
  stream.wait();
  return out.view(x.sizes());
}

#else

bool onednn_layer_norm_applies(const at::Tensor&, at::IntArrayRef, const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor onednn_layer_norm(const at::Tensor& x, const at::Tensor&, const at::Tensor&, double) {
  TORCH_CHECK(false, "this build of the native shim has no oneDNN layer norm");
  return x;
}

#endif

}  // namespace gd
