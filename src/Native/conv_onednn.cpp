#include "conv_onednn.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "onednn.h"
#include "onednn_weights.h"
#include "precision.h"
#include "quantize_int8.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// x (channels-last, dense) quantized with one scale for the whole tensor into q (NHWC); returns the scale. The
// threads split blocks of ~512 KB of pixels twice: for max|x|, then to quantize.
float quantize_tensor(const at::Tensor& x, int8_t* q) {
  const auto C = x.size(1);
  auto pixels = x.permute({0, 2, 3, 1}).reshape({-1, C});  // a view: x is channels-last and dense
  const auto M = pixels.size(0);
  const auto block = std::max<int64_t>(1, (int64_t{512} << 10) / (C * pixels.element_size()));
  const auto blocks = (M + block - 1) / block;
  std::vector<float> tops(blocks);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (auto i = begin; i < end; ++i) tops[i] = int8_absmax(pixels, i * block, std::min(block, M - i * block));
  });
  const float scale = int8_scale(*std::max_element(tops.begin(), tops.end()));
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (auto i = begin; i < end; ++i) int8_quantize(pixels, i * block, std::min(block, M - i * block), scale, q + i * block * C);
  });
  return scale;
}

}  // namespace

at::Tensor onednn_conv2d(const at::Tensor& x_in, const at::Tensor& weight, const at::Tensor& bias, at::IntArrayRef stride,
                         at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups, bool gelu, bool int8,
                         const at::Tensor& residual_in) {
  RECORD_FUNCTION(int8 ? "geodense::onednn_conv2d_int8" : "geodense::onednn_conv2d", std::vector<c10::IValue>());
  TORCH_CHECK(x_in.device().is_cpu() && weight.device().is_cpu(), "the oneDNN convolution runs on the CPU only");
  TORCH_CHECK(!c10::GradMode::is_enabled() || !(x_in.requires_grad() || weight.requires_grad()),
              "the oneDNN convolution is for inference: nothing may need a gradient");
  TORCH_CHECK(x_in.dim() == 4 && weight.dim() == 4, "conv2d: takes x [N, C, H, W] and weight [O, C/groups, kh, kw]");
  TORCH_CHECK(stride.size() == 2 && padding.size() == 2 && dilation.size() == 2, "conv2d: stride, padding and dilation have 2 values");
  TORCH_CHECK(!int8 || groups == 1, "conv2d: int8 takes ungrouped convolutions only");
  TORCH_CHECK(!int8 || !residual_in.defined(), "conv2d: int8 takes no residual");
  const auto N = x_in.size(0), C = x_in.size(1), H = x_in.size(2), W = x_in.size(3);
  const auto O = weight.size(0), kh = weight.size(2), kw = weight.size(3);
  TORCH_CHECK(C == weight.size(1) * groups && O % groups == 0, "conv2d: x has ", C, " channels, the weight expects ",
              weight.size(1) * groups);
  const auto OH = (H + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
  const auto OW = (W + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
  TORCH_CHECK(OH > 0 && OW > 0, "conv2d: the input (", H, "x", W, ") is smaller than the kernel");
  const bool bf16 = x_in.scalar_type() == at::kBFloat16 || (autocast_enabled(at::kCPU) && autocast_dtype(at::kCPU) == at::kBFloat16);
  const auto compute = bf16 ? at::kBFloat16 : at::kFloat;

  // channels-last, the layout oneDNN's kernels want (a no-op for the backbone's maps); int8 quantizes from x's type
  auto x = x_in.contiguous(at::MemoryFormat::ChannelsLast);
  if (!int8 && x.scalar_type() != compute) x = x.to(compute);
  auto out = at::empty({N, O, OH, OW}, x.options().dtype(compute).memory_format(at::MemoryFormat::ChannelsLast));
  if (out.numel() == 0) return out;  // an empty batch
  auto& engine = onednn::cpu_engine();
  dnnl::memory::desc src_md = int8 ? dnnl::memory::desc({N, C, H, W}, dt::s8, tag::nhwc) : onednn::strided(x);
  dnnl::memory::desc dst_md = onednn::strided(out), bias_md({O}, dt::f32, tag::a);
  const auto weight_dims = groups == 1 ? dnnl::memory::dims{O, C, kh, kw} : dnnl::memory::dims{groups, O / groups, C / groups, kh, kw};
  dnnl::memory::desc any_md(weight_dims, int8 ? dt::s8 : onednn::type_of(x), tag::any);
  dnnl::memory::dims strides{stride[0], stride[1]}, dilates{dilation[0] - 1, dilation[1] - 1}, pads{padding[0], padding[1]};
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md, any_md,
                                       bias_md, dst_md, strides, dilates, pads, pads);
  // the packing reads the weight in place; grouped weights as [groups, O / groups, C / groups, kh, kw]
  auto plain_weight = groups == 1 ? weight : weight.view({groups, O / groups, C / groups, kh, kw});
  auto bias_f32 = bias.defined() ? bias.to(at::kFloat).contiguous() : at::zeros({O}, x.options().dtype(at::kFloat));
  dnnl::stream stream(engine);
  if (!int8) {
    dnnl::post_ops ops;
    if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
    at::Tensor residual;
    if (residual_in.defined()) {
      TORCH_CHECK(residual_in.sizes() == out.sizes(), "conv2d: the residual has shape ", residual_in.sizes(), ", the result ", out.sizes());
      residual = residual_in.contiguous(at::MemoryFormat::ChannelsLast).to(compute);  // no copy for the backbone's maps
      ops.append_binary(dnnl::algorithm::binary_add, onednn::strided(residual));
    }
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);  // oneDNN caches the primitive by it
    auto packed = onednn::packed(plain_weight, pd.weights_desc(), /*out_dim=*/0);  // cast by the reorder
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, onednn::memory_of(x)},
                                               {DNNL_ARG_WEIGHTS, packed.weights},
                                               {DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_f32.data_ptr())},
                                               {DNNL_ARG_DST, onednn::memory_of(out)}};
    if (residual.defined()) args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(gelu ? 1 : 0) | DNNL_ARG_SRC_1, onednn::memory_of(residual));
    dnnl::convolution_forward(pd).execute(stream, args);
    stream.wait();
    return out;
  }

  onednn::Packed packed;
  if (auto found = onednn::find_int8(plain_weight)) packed = *found;
  else packed = onednn::packed(plain_weight, dnnl::convolution_forward::primitive_desc(desc, onednn::int8_attr(4, gelu, false), engine).weights_desc(),
                               /*out_dim=*/0);
  std::string key = "conv2d";
  onednn::append_key(key, src_md);
  onednn::append_key(key, dst_md);
  for (auto v : {stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], int64_t{gelu}})
    key.append(reinterpret_cast<const char*>(&v), sizeof v);
  auto conv = packed.primitives->get(key, [&] {  // the epilogue is onednn::int8_attr's
    dnnl::convolution_forward::primitive_desc pd(desc, onednn::int8_attr(4, gelu, false, &packed), engine);
    TORCH_CHECK(pd.weights_desc() == packed.weights.get_desc(), "int8 conv2d: oneDNN chose another weight layout with scales");
    return dnnl::convolution_forward(pd);
  });
  auto q = at::empty({N * H * W * C}, x.options().dtype(at::kChar));
  float x_scale = quantize_tensor(x, q.data_ptr<int8_t>());
  std::vector<float> scaled_bias(O);
  onednn::int8_bias(bias_f32, packed, x_scale, scaled_bias.data());
  conv.execute(stream, {{DNNL_ARG_SRC, dnnl::memory(src_md, engine, q.data_ptr())},
                        {DNNL_ARG_WEIGHTS, packed.weights},
                        {DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, scaled_bias.data())},
                        {DNNL_ARG_DST, onednn::memory_of(out)},
                        onednn::int8_scale_arg(4, &x_scale)});
  stream.wait();
  return out;
}

#else

at::Tensor onednn_conv2d(const at::Tensor& x, const at::Tensor&, const at::Tensor&, at::IntArrayRef, at::IntArrayRef,
                         at::IntArrayRef, int64_t, bool, bool, const at::Tensor&) {
  TORCH_CHECK(false, "this build of the native shim has no oneDNN convolution");
  return x;
}

#endif

}  // namespace gd
