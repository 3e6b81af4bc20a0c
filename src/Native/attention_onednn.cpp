#include "attention_onednn.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <utility>

#include "onednn.h"

namespace gd {

#ifdef GD_HAVE_ONEDNN
namespace {

using onednn::cpu_engine;

// A part of a 4-D tensor as oneDNN sees it: a strided descriptor and the address of its first element. Chunks
// are described this way rather than as ATen views, which cost more than the small matmuls they feed.
struct Block {
  dnnl::memory::desc md;
  void* data;
};

// Images [b0, b0 + nb) and heads [h0, h0 + nh) of t [B, h, rows, cols]; transposed: its last two dims swapped.
Block block(const at::Tensor& t, int64_t b0, int64_t nb, int64_t h0, int64_t nh, bool transposed = false) {
  auto st = t.strides();
  int64_t rows = t.size(2), cols = t.size(3), row_stride = st[2], col_stride = st[3];
  if (transposed) std::swap(rows, cols), std::swap(row_stride, col_stride);
  auto* first = static_cast<char*>(t.data_ptr()) + (b0 * st[0] + h0 * st[1]) * static_cast<int64_t>(t.element_size());
  return {dnnl::memory::desc({nb, nh, rows, cols}, onednn::type_of(t), {st[0], st[1], row_stride, col_stride}), first};
}

// dst = scale · (a @ b) over the two leading batch dims. oneDNN keeps created primitives in its own
// cache (keyed by the descriptors), so building the descriptor per call is cheap.
void batched_matmul(const Block& a, const Block& b, const Block& dst, float scale) {
  auto& engine = cpu_engine();
  dnnl::primitive_attr attr;
  if (scale != 1.0f) attr.set_output_scales(0, {scale});
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a.md, b.md, dst.md), attr, engine);
  dnnl::memory a_mem(a.md, engine, a.data), b_mem(b.md, engine, b.data), dst_mem(dst.md, engine, dst.data);
  dnnl::stream stream(engine);
  dnnl::matmul(pd).execute(stream, {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, dst_mem}});
  stream.wait();
}

// Row-wise softmax over the last dim of the fp32 scores into probs (fp32: in place; bf16: rounded on the way
// out, sparing a separate cast). oneDNN's JIT kernel beats libtorch 1.13's on these shapes.
void softmax_last_dim(const Block& scores, const Block& probs) {
  auto& engine = cpu_engine();
  dnnl::softmax_v2_forward::primitive_desc pd(
      dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::softmax_accurate, scores.md, probs.md, 3),
      engine);
  dnnl::stream stream(engine);
  dnnl::softmax_v2_forward(pd).execute(
      stream, {{DNNL_ARG_SRC, dnnl::memory(scores.md, engine, scores.data)}, {DNNL_ARG_DST, dnnl::memory(probs.md, engine, probs.data)}});
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

// Score matrices per chunk at most this big: long sequences (1024 tokens at 512² tiles: 170 MB of fp32 scores at
// batch 4) would otherwise stream every score through memory three times (write, softmax, read); chunks of whole
// (image, head) slices stay in the CPU's caches between the three steps.
constexpr int64_t kScoreChunkBytes = int64_t{4} << 20;

at::Tensor onednn_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  RECORD_FUNCTION("geodense::onednn_attention", std::vector<c10::IValue>());  // visible to `model bench --profile`
  const auto B = q.size(0), heads = q.size(1), n = q.size(2), m = k.size(2), dv = v.size(3);
  // Heads interleaved in memory ([B, n, h, dv]): the caller's merge of heads is then a free view.
  auto out = at::empty({B, n, heads, dv}, v.options()).permute({0, 2, 1, 3});
  const int64_t slice_bytes = n * m * static_cast<int64_t>(sizeof(float));
  const int64_t total_bytes = B * heads * slice_bytes;
  // Whole images per chunk when they fit, else groups of one image's heads.
  const int64_t images = total_bytes <= kScoreChunkBytes ? B : std::max<int64_t>(1, kScoreChunkBytes / (heads * slice_bytes));
  const int64_t head_group = images > 1 || heads * slice_bytes <= kScoreChunkBytes
                                 ? heads
                                 : std::max<int64_t>(1, kScoreChunkBytes / slice_bytes);
  // Scores stay fp32 for the softmax also when q, k are bf16 (what autocast does around softmax); one buffer
  // serves every chunk.
  auto scores_buffer = at::empty({std::min(images, B) * std::min(head_group, heads) * n * m}, q.options().dtype(at::kFloat));
  auto probs_buffer = v.scalar_type() == at::kFloat ? scores_buffer : at::empty(scores_buffer.sizes(), v.options());
  for (int64_t b0 = 0; b0 < B; b0 += images) {
    const auto nb = std::min(images, B - b0);
    for (int64_t h0 = 0; h0 < heads; h0 += head_group) {
      const auto nh = std::min(head_group, heads - h0);
      // This chunk's scores and probabilities: dense [nb, nh, n, m] at the start of their buffers.
      auto dense = [&](const at::Tensor& buffer) {
        return Block{dnnl::memory::desc({nb, nh, n, m}, onednn::type_of(buffer), dnnl::memory::format_tag::abcd), buffer.data_ptr()};
      };
      auto scores = dense(scores_buffer), probs = dense(probs_buffer);
      batched_matmul(block(q, b0, nb, h0, nh), block(k, b0, nb, h0, nh, /*transposed=*/true), scores, static_cast<float>(scale));
      softmax_last_dim(scores, probs);
      batched_matmul(probs, block(v, b0, nb, h0, nh), block(out, b0, nb, h0, nh), 1.0f);
    }
  }
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
