#include "attention_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include "onednn.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN
namespace {

using onednn::cpu_engine;
using onednn::strided;

// dst = scale · (a @ b) over the two leading batch dims. oneDNN keeps created primitives in its own
// cache (keyed by the descriptors), so building the descriptor per call is cheap.
void batched_matmul(const at::Tensor& a, const at::Tensor& b, const at::Tensor& dst, float scale) {
  auto& engine = cpu_engine();
  auto a_md = strided(a), b_md = strided(b), dst_md = strided(dst);
  dnnl::primitive_attr attr;
  if (scale != 1.0f) attr.set_output_scales(0, {scale});
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, dst_md), attr, engine);
  dnnl::memory a_mem(a_md, engine, a.data_ptr()), b_mem(b_md, engine, b.data_ptr()), dst_mem(dst_md, engine, dst.data_ptr());
  dnnl::stream stream(engine);
  dnnl::matmul(pd).execute(stream, {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, dst_mem}});
  stream.wait();
}

// Row-wise softmax over the last dim of the fp32 scores into probs (fp32: in place; bf16: rounded on the way
// out, sparing a separate cast). oneDNN's JIT kernel beats libtorch 1.13's on these shapes.
void softmax_last_dim(const at::Tensor& scores, const at::Tensor& probs) {
  auto& engine = cpu_engine();
  auto src_md = strided(scores), dst_md = strided(probs);
  dnnl::softmax_v2_forward::primitive_desc pd(
      dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::softmax_accurate, src_md, dst_md,
                                     static_cast<int>(scores.dim() - 1)),
      engine);
  dnnl::stream stream(engine);
  dnnl::softmax_v2_forward(pd).execute(stream, {{DNNL_ARG_SRC, onednn::memory_of(scores)}, {DNNL_ARG_DST, onednn::memory_of(probs)}});
  stream.wait();
}

}  // namespace

bool onednn_attention_applies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool has_mask,
                              double dropout, bool causal) {
  if (has_mask || dropout > 0 || causal) return false;
  if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) return false;
  if (!q.device().is_cpu() || !k.device().is_cpu() || !v.device().is_cpu()) return false;
  auto type = q.scalar_type();
  if ((type != at::kFloat && type != at::kBFloat16) || k.scalar_type() != type || v.scalar_type() != type) return false;
  if (c10::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad())) return false;
  // oneDNN wants each matrix's rows dense and the batch dims to match (no broadcasting here).
  for (const auto* t : {&q, &k, &v})
    if (t->stride(3) != 1 || t->size(0) != q.size(0) || t->size(1) != q.size(1)) return false;
  return k.size(2) == v.size(2) && k.size(3) == q.size(3);
}

at::Tensor onednn_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  RECORD_FUNCTION("geodense::onednn_attention", std::vector<c10::IValue>());  // visible to `model bench --profile`
  const auto B = q.size(0), heads = q.size(1), n = q.size(2), dv = v.size(3);
  // Scores stay fp32 for the softmax also when q, k are bf16 (what autocast does around softmax).
  auto scores = at::empty({B, heads, n, k.size(2)}, q.options().dtype(at::kFloat));
  batched_matmul(q, k.transpose(-2, -1), scores, static_cast<float>(scale));
  auto weights = v.scalar_type() == at::kFloat ? scores : at::empty(scores.sizes(), v.options());
  softmax_last_dim(scores, weights);
  // Heads interleaved in memory ([B, n, h, dv]): the caller's merge of heads is then a free view.
  auto out = at::empty({B, n, heads, dv}, v.options()).permute({0, 2, 1, 3});
  batched_matmul(weights, v, out, 1.0f);
  return out;
}

#else

bool onednn_attention_applies(const at::Tensor&, const at::Tensor&, const at::Tensor&, bool, double, bool) { return false; }
at::Tensor onednn_attention(const at::Tensor& q, const at::Tensor&, const at::Tensor&, double) {
  TORCH_CHECK(false, "this build of the native shim has no oneDNN attention");
  return q;
}

#endif

}  // namespace gd
