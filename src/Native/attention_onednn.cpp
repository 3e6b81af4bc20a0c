#include "attention_onednn.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include <algorithm>

#include "onednn.h"
#include "softmax_rows.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN
namespace {

// Score matrices per unit of work at most this big: a unit's scores are written, normalised and read again while
// they are still in the thread's L2 (1 MB per core on the machines measured; 2 MB on newer Xeons).
constexpr int64_t kUnitScoreBytes = int64_t{256} << 10;

// The address of t[b, h, row] (t 4-D).
void* address(const at::Tensor& t, int64_t b, int64_t h, int64_t row) {
  return static_cast<char*>(t.data_ptr()) + (b * t.stride(0) + h * t.stride(1) + row * t.stride(2)) * t.element_size();
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

// Attention in units of (image, group of heads, block of query rows), each unit's three steps (q kᵀ, softmax, p v)
// run back to back on one thread, so its scores stay in that thread's cache. Every unit of a call has the same
// shape but the last row block's, so two sets of primitives serve a call; oneDNN runs each one single-threaded
// inside the parallel region.
at::Tensor onednn_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  RECORD_FUNCTION("geodense::onednn_attention", std::vector<c10::IValue>());  // visible to `model bench --profile`
  const auto B = q.size(0), heads = q.size(1), n = q.size(2), m = k.size(2), d = q.size(3), dv = v.size(3);
  // Heads interleaved in memory ([B, n, h, dv]): the caller's merge of heads is then a free view.
  auto out = at::empty({B, n, heads, dv}, v.options()).permute({0, 2, 1, 3});
  if (B == 0 || n == 0 || heads == 0) return out;
  const int64_t row_bytes = m * static_cast<int64_t>(sizeof(float));
  // Whole heads when one fits (as many as divide the heads evenly), else blocks of query rows of one head.
  int64_t group = 1;
  for (int64_t g = heads; g >= 1; --g)
    if (heads % g == 0 && g * n * row_bytes <= kUnitScoreBytes) { group = g; break; }
  const int64_t rows = std::clamp<int64_t>(kUnitScoreBytes / row_bytes, 1, n);
  const int64_t row_blocks = (n + rows - 1) / rows, head_groups = heads / group;
  const auto units = B * head_groups * row_blocks;

  auto& engine = onednn::cpu_engine();
  const bool own_softmax = softmax_rows_available();
  const auto compute = onednn::type_of(q), probs_type = onednn::type_of(v);
  using dims = dnnl::memory::dims;
  auto qs = q.strides(), ks = k.strides(), vs = v.strides(), os = out.strides();
  // The primitives for units of `r` query rows.
  struct Kernels {
    dnnl::memory::desc q_md, kt_md, scores_md, probs_md, v_md, out_md;
    dnnl::matmul scores_of;
    dnnl::softmax_v2_forward normalise;
    dnnl::matmul mix;
    int64_t scratch_bytes;  // the most any of them needs
  };
  auto kernels_for = [&](int64_t r) {
    Kernels x;
    x.q_md = dnnl::memory::desc(dims{group, r, d}, compute, dims{qs[1], qs[2], qs[3]});
    x.kt_md = dnnl::memory::desc(dims{group, d, m}, compute, dims{ks[1], ks[3], ks[2]});
    x.scores_md = dnnl::memory::desc(dims{group, r, m}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::abc);
    x.probs_md = dnnl::memory::desc(dims{group, r, m}, probs_type, dnnl::memory::format_tag::abc);
    x.v_md = dnnl::memory::desc(dims{group, m, dv}, probs_type, dims{vs[1], vs[2], vs[3]});
    x.out_md = dnnl::memory::desc(dims{group, r, dv}, probs_type, dims{os[1], os[2], os[3]});
    dnnl::primitive_attr plain, scaled;  // user scratchpads: one per thread (onednn::scratchpad_bytes)
    plain.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    scaled.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (scale != 1.0) scaled.set_output_scales(0, {static_cast<float>(scale)});
    x.scores_of = dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(x.q_md, x.kt_md, x.scores_md), scaled, engine));
    x.mix = dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(x.probs_md, x.v_md, x.out_md), plain, engine));
    x.scratch_bytes = std::max(onednn::scratchpad_bytes(x.scores_of), onednn::scratchpad_bytes(x.mix));
    if (!own_softmax) {
      x.normalise = dnnl::softmax_v2_forward(dnnl::softmax_v2_forward::primitive_desc(
          dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::softmax_accurate, x.scores_md, x.probs_md, 2),
          plain, engine));
      x.scratch_bytes = std::max(x.scratch_bytes, onednn::scratchpad_bytes(x.normalise));
    }
    return x;
  };
  const auto full = kernels_for(rows);
  const auto tail = n % rows != 0 ? kernels_for(n % rows) : full;
  // One scores buffer per thread (fp32, also for bf16 inputs: autocast keeps softmax in fp32) and, for bf16, one
  // of probabilities.
  const int64_t threads = at::get_num_threads(), unit_values = group * rows * m;
  auto scores_buffer = at::empty({threads, unit_values}, q.options().dtype(at::kFloat));
  auto probs_buffer = v.scalar_type() == at::kFloat ? scores_buffer : at::empty({threads, unit_values}, v.options());
  const int64_t scratch_bytes = std::max<int64_t>(std::max(full.scratch_bytes, tail.scratch_bytes), 1);
  auto scratch_buffer = at::empty({threads, scratch_bytes}, q.options().dtype(at::kByte));
  at::parallel_for(0, units, 1, [&](int64_t begin, int64_t end) {
    const auto thread = at::get_thread_num();
    void* scores = static_cast<char*>(scores_buffer.data_ptr()) + thread * unit_values * scores_buffer.element_size();
    void* probs = static_cast<char*>(probs_buffer.data_ptr()) + thread * unit_values * probs_buffer.element_size();
    void* scratch = static_cast<char*>(scratch_buffer.data_ptr()) + thread * scratch_bytes;
    dnnl::stream stream(engine);
    for (auto u = begin; u < end; ++u) {
      const auto block = u % row_blocks, h = (u / row_blocks) % head_groups * group, b = u / (row_blocks * head_groups);
      const auto row = block * rows;
      const auto& x = row + rows <= n ? full : tail;
      dnnl::memory scores_mem(x.scores_md, engine, scores), probs_mem(x.probs_md, engine, probs);
      const auto scratch_arg = onednn::scratchpad_arg(scratch, x.scratch_bytes);
      x.scores_of.execute(stream, {{DNNL_ARG_SRC, dnnl::memory(x.q_md, engine, address(q, b, h, row))},
                                   {DNNL_ARG_WEIGHTS, dnnl::memory(x.kt_md, engine, address(k, b, h, 0))},
                                   {DNNL_ARG_DST, scores_mem}, scratch_arg});
      if (own_softmax) {
        stream.wait();
        const auto count = x.scores_md.dims()[0] * x.scores_md.dims()[1];
        if (v.scalar_type() == at::kFloat) softmax_rows(static_cast<float*>(scores), count, m, static_cast<float*>(probs));
        else softmax_rows(static_cast<float*>(scores), count, m, static_cast<c10::BFloat16*>(probs));
      } else {
        x.normalise.execute(stream, {{DNNL_ARG_SRC, scores_mem}, {DNNL_ARG_DST, probs_mem}, scratch_arg});
      }
      x.mix.execute(stream, {{DNNL_ARG_SRC, probs_mem},
                             {DNNL_ARG_WEIGHTS, dnnl::memory(x.v_md, engine, address(v, b, h, 0))},
                             {DNNL_ARG_DST, dnnl::memory(x.out_md, engine, address(out, b, h, row))}, scratch_arg});
    }
    stream.wait();
  });
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
