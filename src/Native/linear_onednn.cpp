#include "linear_onednn.h"

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

bool onednn_linear_available() { return true; }

namespace {

using dt = dnnl::memory::data_type;

// Rows per int8 block: ~512 KB of x, so a block is read for its scale and quantized while it is still in cache.
int64_t int8_block_rows(int64_t K, int64_t element_size) {
  return std::max<int64_t>(256, (int64_t{512} << 10) / (K * element_size));
}

// out_rows (+)= dequantize(int8(rows) x int8(W)ᵀ) + bias, then GELU, in blocks of rows (GELU(rows) with gelu_input). Dynamic quantization
// like torch.ao's quantize_dynamic, but symmetric and with one scale per block of rows rather than per call, so
// a block is read for its scale, quantized and multiplied while it is still in cache.
// The epilogue is onednn::int8_attr's: all blocks share one primitive, each passes its own scale.
void int8_product(const at::Tensor& rows, const at::Tensor& weight, const at::Tensor& bias, bool gelu, bool accumulate,
                  const at::Tensor& out_rows, bool gelu_input) {
  auto& engine = onednn::cpu_engine();
  const auto M = rows.size(0), K = rows.size(1), N = out_rows.size(1);
  const auto block_rows = std::min(M, int8_block_rows(K, rows.element_size()));
  const auto blocks = (M + block_rows - 1) / block_rows;
  // With enough blocks each thread quantizes a block and multiplies it on its own while the block is in its cache;
  // with fewer, an even share needs oneDNN's threading within each block. The blocks (so the scales and the
  // result) are the same either way, and on any number of threads.
  const int64_t threads = std::max(1, at::get_num_threads());
  const bool per_thread = blocks >= 2 * threads;
  auto weight_t = weight.t();
  dnnl::memory::desc bias_md({1, N}, dt::f32, dnnl::memory::format_tag::ab);

  // The kernels for blocks of `count` rows (the full block and the last, shorter one).
  struct Kernels {
    dnnl::memory::desc q_md, out_md;
    dnnl::primitive product;
    int64_t scratch_bytes;  // user scratchpads (onednn::scratchpad_bytes): threads may run the product at once
  };
  onednn::Packed packed;
  if (auto found = onednn::find_int8(weight_t)) packed = *found;
  auto kernels_for = [&](int64_t count) {
    dnnl::memory::desc q_md({count, K}, dt::s8, dnnl::memory::format_tag::ab);
    dnnl::memory::desc out_md({count, N}, onednn::type_of(out_rows), {out_rows.stride(0), 1});
    dnnl::matmul::desc desc(q_md, dnnl::memory::desc({K, N}, dt::s8, dnnl::memory::format_tag::any), bias_md, out_md);
    if (!packed.scales.defined())  // the packed layout comes from a descriptor; the scales come with the packed weight
      packed = onednn::packed(weight_t, dnnl::matmul::primitive_desc(desc, onednn::int8_attr(2, gelu, accumulate), engine).weights_desc(),
                              /*out_dim=*/1);
    std::string key = "linear";
    onednn::append_key(key, out_md);
    key += {static_cast<char>(gelu), static_cast<char>(accumulate)};
    key.append(reinterpret_cast<const char*>(&count), sizeof count);
    auto product = packed.primitives->get(key, [&] {
      auto attr = onednn::int8_attr(2, gelu, accumulate, &packed);
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      dnnl::matmul::primitive_desc pd(desc, attr, engine);
      TORCH_CHECK(pd.weights_desc() == packed.weights.get_desc(), "int8 linear: oneDNN chose another weight layout with scales");
      return dnnl::matmul(pd);
    });
    return Kernels{q_md, out_md, product, onednn::scratchpad_bytes(product)};
  };
  const auto full = kernels_for(block_rows);
  const auto tail = M % block_rows != 0 ? kernels_for(M % block_rows) : full;
  auto bias_f32 = bias.defined() ? bias.to(at::kFloat).contiguous() : at::zeros({N}, rows.options().dtype(at::kFloat));
  const auto scratch_bytes = std::max(full.scratch_bytes, tail.scratch_bytes);
  const auto buffers = per_thread ? threads : 1;
  auto q_buffer = at::empty({buffers, block_rows * K}, rows.options().dtype(at::kChar));
  auto bias_buffer = at::empty({buffers, N}, rows.options().dtype(at::kFloat));
  auto scratch_buffer = at::empty({buffers, std::max<int64_t>(scratch_bytes, 1)}, rows.options().dtype(at::kByte));
  auto* out_base = static_cast<char*>(out_rows.data_ptr());
  const auto out_row_bytes = out_rows.stride(0) * out_rows.element_size();
  auto run = [&](int64_t begin, int64_t end) {
    const auto thread = per_thread ? at::get_thread_num() : 0;
    int8_t* q = q_buffer.data_ptr<int8_t>() + thread * q_buffer.size(1);
    float* block_bias = bias_buffer.data_ptr<float>() + thread * N;
    void* scratch = scratch_buffer.data_ptr<uint8_t>() + thread * scratch_buffer.size(1);
    dnnl::stream stream(engine);
    for (auto i = begin; i < end; ++i) {
      const auto first = i * block_rows, count = std::min(block_rows, M - first);
      const auto& k = count == block_rows ? full : tail;
      float x_scale = gelu_input ? int8_quantize_gelu_block(rows, first, count, q) : int8_quantize_block(rows, first, count, q);
      onednn::int8_bias(bias_f32, packed, x_scale, block_bias);
      k.product.execute(stream, {{DNNL_ARG_SRC, dnnl::memory(k.q_md, engine, q)},
                                 {DNNL_ARG_WEIGHTS, packed.weights},
                                 {DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, block_bias)},
                                 {DNNL_ARG_DST, dnnl::memory(k.out_md, engine, out_base + first * out_row_bytes)},
                                 onednn::int8_scale_arg(2, &x_scale),
                                 onednn::scratchpad_arg(scratch, k.scratch_bytes)});
      stream.wait();  // q, x_scale and block_bias are reused by the next block
    }
  };
  if (per_thread) at::parallel_for(0, blocks, 1, run);
  else run(0, blocks);
}

}  // namespace

at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, bool gelu,
                         const at::Tensor& residual, bool int8, bool gelu_input) {
  RECORD_FUNCTION(int8 ? "geodense::onednn_linear_int8" : "geodense::onednn_linear", std::vector<c10::IValue>());
  TORCH_CHECK(x.device().is_cpu() && weight.device().is_cpu(), "the oneDNN linear runs on the CPU only");
  TORCH_CHECK(!c10::GradMode::is_enabled() || !(x.requires_grad() || weight.requires_grad()),
              "the oneDNN linear is for inference: nothing may need a gradient");
  TORCH_CHECK(!gelu_input || int8, "linear: GELU of the input is fused into the int8 quantization only");
  const auto K = weight.size(1), N = weight.size(0);
  TORCH_CHECK(x.size(-1) == K, "linear: input has ", x.size(-1), " features, the weight expects ", K);
  bool bf16 = x.scalar_type() == at::kBFloat16 ||
              (autocast_enabled(at::kCPU) && autocast_dtype(at::kCPU) == at::kBFloat16);
  auto compute = bf16 ? at::kBFloat16 : at::kFloat;  // the result's type (and the product's, unless int8)

  auto rows = x.reshape({-1, K});
  if (!int8 || (rows.scalar_type() != at::kFloat && rows.scalar_type() != at::kBFloat16)) rows = rows.to(compute);
  if (rows.stride(1) != 1) rows = rows.contiguous();  // int8 quantizes from x's own type
  const auto M = rows.size(0);

  std::vector<int64_t> out_shape(x.sizes().begin(), x.sizes().end());
  out_shape.back() = N;
  at::Tensor out = residual.defined() ? residual : at::empty(out_shape, x.options().dtype(compute));
  TORCH_CHECK(out.sizes().vec() == out_shape, "linear: the residual has shape ", out.sizes(), ", expected ",
              at::IntArrayRef(out_shape));
  auto out_rows = out.view({M, N});  // throws if the residual's rows are not one dense block
  TORCH_CHECK(out_rows.stride(1) == 1, "linear: the residual's last dim must be dense");
  if (M == 0) return out;
  if (int8) {
    int8_product(rows, weight, bias, gelu, residual.defined(), out_rows, gelu_input);
    return out;
  }

  auto& engine = onednn::cpu_engine();
  auto src_md = onednn::strided(rows), dst_md = onednn::strided(out_rows);
  dnnl::memory::desc any_md({K, N}, onednn::type_of(rows), dnnl::memory::format_tag::any);
  dnnl::memory::desc bias_md({1, N}, dt::f32, dnnl::memory::format_tag::ab);
  dnnl::post_ops ops;
  if (gelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  if (residual.defined()) ops.append_sum(1.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  // oneDNN caches the primitive by these descriptors, so building them per call costs microseconds.
  auto pd = bias.defined() ? dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, any_md, bias_md, dst_md), attr, engine)
                           : dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, any_md, dst_md), attr, engine);
  auto weight_t = weight.t();  // Wᵀ [K, N] as a transposed view: the packing reads it in place
  auto packed = onednn::packed(weight_t, pd.weights_desc(), /*out_dim=*/1);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, dnnl::memory(src_md, engine, rows.data_ptr())},
                                             {DNNL_ARG_WEIGHTS, packed.weights},
                                             {DNNL_ARG_DST, dnnl::memory(dst_md, engine, out_rows.data_ptr())}};
  at::Tensor bias_f32;
  if (bias.defined()) {
    bias_f32 = bias.to(at::kFloat).contiguous();
    args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_md, engine, bias_f32.data_ptr()));
  }
  dnnl::stream stream(engine);
  dnnl::matmul(pd).execute(stream, args);
  stream.wait();
  return out;
}

bool onednn_int8_linear_fast() {
  // The shapes and epilogue of a transformer MLP layer: where oneDNN has no int8 kernel for this CPU it picks its
  // reference implementation ("ref..."), some 1000x slower than fp32.
  const int64_t M = 256, K = 128, N = 512;
  auto attr = onednn::int8_attr(2, /*gelu=*/true, /*accumulate=*/false);
  attr.set_output_scales(1 << 1, std::vector<float>(N, 0.01f));  // as a packed weight's would be
  try {
    dnnl::matmul::primitive_desc pd(
        dnnl::matmul::desc(dnnl::memory::desc({M, K}, dt::s8, dnnl::memory::format_tag::ab),
                           dnnl::memory::desc({K, N}, dt::s8, dnnl::memory::format_tag::any),
                           dnnl::memory::desc({1, N}, dt::f32, dnnl::memory::format_tag::ab),
                           dnnl::memory::desc({M, N}, dt::f32, dnnl::memory::format_tag::ab)),
        attr, onednn::cpu_engine());
    return std::string(pd.impl_info_str()).rfind("ref", 0) != 0;
  } catch (const dnnl::error&) {
    return false;
  }
}

#else

bool onednn_linear_available() { return false; }

at::Tensor onednn_linear(const at::Tensor& x, const at::Tensor&, const at::Tensor&, bool, const at::Tensor&, bool, bool) {
  TORCH_CHECK(false, "this build of the native shim has no oneDNN linear");
  return x;
}

bool onednn_int8_linear_fast() { return false; }

#endif

}  // namespace gd
