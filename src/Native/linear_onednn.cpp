#include "linear_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <unordered_map>
#include <vector>

#include "onednn.h"
#include "precision.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN

bool onednn_linear_available() { return true; }

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

  auto rows = x.reshape({-1, K}).to(compute);
  if (rows.stride(1) != 1) rows = rows.contiguous();
  const auto M = rows.size(0);
  // Wᵀ as a transposed descriptor of the [N, K] weight: no copy (a bf16 product casts the weight per call;
  // it is small next to the rows).
  auto weight_t = weight.to(compute).t();

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
  auto src_md = onednn::strided(rows), wei_md = onednn::strided(weight_t), dst_md = onednn::strided(out_rows);
  // oneDNN caches the primitive by these descriptors, so building them per call costs microseconds.
  dnnl::matmul::primitive_desc pd;
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(src_md, engine, rows.data_ptr())},
                                             {DNNL_ARG_WEIGHTS, dnnl::memory(wei_md, engine, weight_t.data_ptr())},
                                             {DNNL_ARG_DST, dnnl::memory(dst_md, engine, out_rows.data_ptr())}};
  at::Tensor bias_f32;
  if (bias.defined()) {
    bias_f32 = bias.to(at::kFloat).contiguous();
    dnnl::memory::desc bias_md({1, N}, dnnl::memory::data_type::f32, dnnl::memory::dims{N, 1});
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, wei_md, bias_md, dst_md), attr, engine);
    args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_f32.data_ptr()));
  } else {
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, wei_md, dst_md), attr, engine);
  }
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
